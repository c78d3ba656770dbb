package io.tollgate.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One injected failure. Faults wait in a FIFO queue; each is consumed by the next request whose path matches
 * ({@code path == null} matches every simulated route), {@code times} requests in all.
 *
 * @param kind what goes wrong
 * @param path the request path it is bound to, or null for any path
 * @param times how many matching requests it affects (at least 1)
 * @param status the HTTP status for {@link Kind#STATUS}, the error code carried by {@link Kind#ERROR_EVENT_AFTER} (0 =
 *        the endpoint's usual mid-stream error), unused otherwise
 * @param events how many stream events are sent first, for the three {@code *_AFTER_EVENTS} kinds
 * @param headers extra response headers for {@link Kind#STATUS} and {@link Kind#HTML_403} (e.g. {@code Retry-After})
 */
public record Fault(Kind kind, String path, int times, int status, int events, Map<String, String> headers) {

    /** The failure modes; the three {@code *_AFTER_*} kinds apply to streams (see {@link HerokuSimulator}). */
    public enum Kind {
        /** Answer {@code status} with the endpoint's error body and the extra headers. */
        STATUS,
        /** 403 with an HTML body, as CloudFront's WAF answers. */
        HTML_403,
        /** Close the TCP connection (RST) without answering. */
        RESET,
        /** Accept the request and never answer, until the client gives up. */
        STALL_HEADERS,
        /** Send {@code events} stream events, then close the connection without ending the stream. */
        CUT_AFTER_EVENTS,
        /** Send {@code events} stream events, then stall without ending. */
        STALL_AFTER_EVENTS,
        /** Send {@code events} stream events, then an in-band error event, then end the response. */
        ERROR_EVENT_AFTER
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        if (events < 0) {
            throw new IllegalArgumentException("events must not be negative");
        }
        if (kind == Kind.STATUS && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("STATUS needs an HTTP status, got " + status);
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    public static Fault status(int status) {
        return new Fault(Kind.STATUS, null, 1, status, 0, Map.of());
    }

    public static Fault html403() {
        return new Fault(Kind.HTML_403, null, 1, 403, 0, Map.of());
    }

    public static Fault resetConnection() {
        return new Fault(Kind.RESET, null, 1, 0, 0, Map.of());
    }

    public static Fault stallHeaders() {
        return new Fault(Kind.STALL_HEADERS, null, 1, 0, 0, Map.of());
    }

    public static Fault cutAfterEvents(int events) {
        return new Fault(Kind.CUT_AFTER_EVENTS, null, 1, 0, events, Map.of());
    }

    public static Fault stallAfterEvents(int events) {
        return new Fault(Kind.STALL_AFTER_EVENTS, null, 1, 0, events, Map.of());
    }

    public static Fault errorEventAfter(int events) {
        return new Fault(Kind.ERROR_EVENT_AFTER, null, 1, 0, events, Map.of());
    }

    /** The same fault bound to one request path, e.g. {@code /v1/chat/completions}. */
    public Fault onPath(String path) {
        return new Fault(kind, path, times, status, events, headers);
    }

    /** The same fault applied to this many matching requests. */
    public Fault withTimes(int times) {
        return new Fault(kind, path, times, status, events, headers);
    }

    /** The same fault with one more response header. */
    public Fault withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Fault(kind, path, times, status, events, more);
    }

    /** The same fault with another status (the error code of an in-band error event, or the STATUS answer). */
    public Fault withStatus(int status) {
        return new Fault(kind, path, times, status, events, headers);
    }

    boolean matches(String requestPath) {
        return path == null || path.equals(requestPath);
    }

    boolean shapesStream() {
        return kind == Kind.CUT_AFTER_EVENTS || kind == Kind.STALL_AFTER_EVENTS || kind == Kind.ERROR_EVENT_AFTER;
    }
}
