package io.tollgate.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.channel.ChannelOption;
import io.tollgate.simulator.RecordedRequest.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One simulated request and its answer. Every method runs on the request's event loop, so the state needs no locks;
 * the record it updates is the only thing other threads see.
 */
final class Exchange {

    static final String JSON = "application/json";

    final HttpServerRequest request;
    final String body;
    final SimulatorOptions options;
    private final Vertx vertx;
    private final HttpServerResponse response;
    private final RequestLog.Entry entry;
    private final Fault fault;
    private boolean anthropic;
    private boolean faulted;
    private boolean ended;
    private boolean closed;
    private long timer = -1;
    private Future<Void> lastWrite = Future.succeededFuture();

    Exchange(Vertx vertx, HttpServerRequest request, String body, RequestLog.Entry entry, SimulatorOptions options,
            Fault fault) {
        this.vertx = vertx;
        this.request = request;
        this.body = body;
        this.response = request.response();
        this.entry = entry;
        this.options = options;
        this.fault = fault;
        // upstream's own id: the gateway must replace it with its own
        response.putHeader("x-request-id", UUID.randomUUID().toString());
        response.closeHandler(v -> onClosed());
        response.exceptionHandler(e -> onClosed());
    }

    /** Errors from now on use the Anthropic envelope; the answer also carries Anthropic's {@code request-id}. */
    void anthropic() {
        response.putHeader("request-id", "req_" + UUID.randomUUID().toString().replace("-", ""));
        anthropic = true;
    }

    boolean open() {
        return !closed && !ended;
    }

    /** Runs the action after the delay, unless the client has gone by then. */
    void later(long delayMs, Runnable action) {
        if (!open()) {
            return;
        }
        if (delayMs <= 0) {
            action.run();
            return;
        }
        timer = vertx.setTimer(delayMs, id -> {
            timer = -1;
            if (open()) {
                action.run();
            }
        });
    }

    int replyTokens() {
        return (int) knob("x-sim-reply-tokens", options.replyTokens());
    }

    long latencyMs() {
        return knob("x-sim-latency-ms", options.latencyMs());
    }

    long ttftMs() {
        return knob("x-sim-ttft-ms", options.ttftMs());
    }

    /** How many prompt tokens the usage reports as read from the prompt cache ({@code x-sim-cached-tokens}). */
    int cachedTokens() {
        return (int) knob("x-sim-cached-tokens", 0);
    }

    long chunkDelayMs() {
        return knob("x-sim-chunk-delay-ms", options.chunkDelayMs());
    }

    boolean neverFinish() {
        return "true".equalsIgnoreCase(request.getHeader("x-sim-never-finish"));
    }

    /** The status forced by {@code x-sim-status}, or 0. */
    int forcedStatus() {
        long status = knob("x-sim-status", 0);
        return status >= 100 && status <= 599 ? (int) status : 0;
    }

    /** The fault that shapes a successful answer's body, or null. */
    Fault streamFault() {
        return fault != null && fault.shapesStream() ? fault : null;
    }

    /** A successful JSON answer, after the time-to-first-token delay. */
    void success(JsonNode body, Map<String, String> headers) {
        later(ttftMs(), () -> answerSuccess(Json.write(body), headers));
    }

    /** An error answer in the endpoint's envelope. */
    void error(int status, String message, Map<String, String> headers) {
        JsonNode envelope = anthropic ? ErrorBodies.anthropic(status, message) : ErrorBodies.heroku(status, message);
        send(status, JSON, Json.write(envelope), headers);
    }

    /** A plain JSON answer that no fault shapes (catalog, control). */
    void plain(int status, JsonNode body) {
        send(status, JSON, Json.write(body), Map.of());
    }

    void faultStatus(Fault fault) {
        markFaulted(fault.kind());
        error(fault.status(), ErrorBodies.defaultMessage(fault.status()), fault.headers());
    }

    void forceStatus(int status) {
        faulted = true;
        error(status, ErrorBodies.defaultMessage(status), Map.of());
    }

    void html403(Fault fault) {
        markFaulted(fault.kind());
        response.putHeader("server", "CloudFront");
        response.putHeader("x-cache", "Error from cloudfront");
        send(403, "text/html", ErrorBodies.CLOUDFRONT_403, fault.headers());
    }

    /** Drops the connection with a TCP reset, before any byte of an answer. */
    void resetConnection(Fault fault) {
        markFaulted(fault.kind());
        ended = true;
        HttpConnection connection = request.connection();
        if (connection instanceof ConnectionBase base) {
            // linger 0 turns close() into a RST, which is what a crashed or overloaded upstream looks like
            base.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            base.channel().close();
        } else {
            connection.close();
        }
        entry.finish(Outcome.FAULTED);
    }

    /** Keeps the request open and never answers; the record stays in progress until the client gives up. */
    void stall(Fault fault) {
        if (fault != null) {
            markFaulted(fault.kind());
        }
    }

    void markFaulted(Fault.Kind kind) {
        faulted = true;
        entry.fault(kind);
    }

    void startStream(Map<String, String> headers) {
        response.setStatusCode(200).setChunked(true);
        response.putHeader("content-type", "text/event-stream");
        response.putHeader("cache-control", "no-cache");
        headers.forEach(response::putHeader);
        entry.status(200);
        lastWrite = response.writeHead();
    }

    void write(String frame) {
        if (open()) {
            lastWrite = response.write(frame);
        }
    }

    void endStream() {
        if (open()) {
            ended = true;
            response.end();
            entry.finish(faulted ? Outcome.FAULTED : Outcome.COMPLETED);
        }
    }

    /** Closes the connection once what was written is on the wire, leaving the answer unfinished. */
    void cut() {
        if (open()) {
            ended = true;
            lastWrite.onComplete(ar -> request.connection().close());
            entry.finish(Outcome.FAULTED);
        }
    }

    private void answerSuccess(String text, Map<String, String> headers) {
        Fault shaping = streamFault();
        if (shaping == null && !neverFinish()) {
            send(200, JSON, text, headers);
            return;
        }
        if (shaping != null && shaping.kind() == Fault.Kind.ERROR_EVENT_AFTER) {
            // a JSON answer has no events to interleave: the in-band error becomes an error answer
            markFaulted(shaping.kind());
            int status = shaping.status() == 0 ? 500 : shaping.status();
            error(status, ErrorBodies.defaultMessage(status), Map.of());
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        head(200, JSON, headers);
        response.putHeader("content-length", Integer.toString(bytes.length));
        lastWrite = response.writeHead();
        if (shaping == null || shaping.kind() == Fault.Kind.STALL_AFTER_EVENTS) {
            stall(shaping);
            return;
        }
        // CUT_AFTER_EVENTS: half the promised body, then the connection goes
        markFaulted(shaping.kind());
        lastWrite = response.write(Buffer.buffer(bytes).getBuffer(0, bytes.length / 2));
        cut();
    }

    private void send(int status, String contentType, String text, Map<String, String> headers) {
        if (!open()) {
            return;
        }
        head(status, contentType, headers);
        ended = true;
        response.end(text);
        entry.finish(faulted ? Outcome.FAULTED : Outcome.COMPLETED);
    }

    private void head(int status, String contentType, Map<String, String> headers) {
        response.setStatusCode(status);
        response.putHeader("content-type", contentType);
        headers.forEach(response::putHeader);
        entry.status(status);
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (!ended) {
            entry.finish(Outcome.CLIENT_CANCELLED);
        }
    }

    private long knob(String header, long fallback) {
        String value = request.getHeader(header);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            return parsed < 0 ? fallback : parsed;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
