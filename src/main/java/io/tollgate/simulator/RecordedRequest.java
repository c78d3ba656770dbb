package io.tollgate.simulator;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot of one request the simulator received and what became of it. Snapshots do not change: poll
 * {@link HerokuSimulator#requests()} again to see a later outcome.
 *
 * @param sequence 1-based arrival order since the last reset
 * @param method the HTTP method
 * @param path the path without the query string
 * @param query the raw query string, or null
 * @param headers request headers, names lower-cased, repeated headers joined with ", "
 * @param body the request body as UTF-8 text ("" when there was none)
 * @param time when the request arrived
 * @param outcome what became of it so far
 * @param status the status the simulator sent, or 0 if it never sent one
 * @param fault the injected fault that shaped the answer, or null
 */
public record RecordedRequest(long sequence, String method, String path, String query, Map<String, String> headers,
        String body, Instant time, Outcome outcome, int status, Fault.Kind fault) {

    /** What became of a request. */
    public enum Outcome {
        /** The simulator is still answering (a delay, a stream, or a deliberate stall). */
        IN_PROGRESS,
        /** The simulator finished its answer, error answers included. */
        COMPLETED,
        /** The client closed the connection before the answer ended. */
        CLIENT_CANCELLED,
        /** An injected fault (or {@code x-sim-status}) shaped the answer and the simulator finished acting it out. */
        FAULTED
    }

    /** The value of a request header, by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
