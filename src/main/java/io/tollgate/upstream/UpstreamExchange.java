package io.tollgate.upstream;

import java.util.concurrent.TimeoutException;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An exchange with an upstream whose status and headers have arrived; the body is still to be read, and the
 * response is paused until the reader has set its handlers and resumes it.
 * <p>
 * The body's idle timeout lives here rather than in {@link HttpClientRequest#idleTimeout(long)}: Vert.x cancels that
 * timer only when the response head arrives, so one set for the body outlived the exchange and held it in memory
 * for the whole timeout (300 s by default), which made the heap grow with the request rate. This one ends with the
 * response.
 */
public final class UpstreamExchange {

    private final HttpClientRequest request;
    private final HttpClientResponse response;
    private volatile long lastDataNanos = System.nanoTime();
    private volatile boolean ended;
    private Vertx vertx;
    private long idleNanos;
    private volatile long timer = -1;

    public UpstreamExchange(HttpClientRequest request, HttpClientResponse response) {
        this.request = request;
        this.response = response;
    }

    public HttpClientRequest request() {
        return request;
    }

    public HttpClientResponse response() {
        return response;
    }

    public void cancel() {
        stopWatching();
        request.reset();
    }

    /** The reader calls this for every chunk of a streamed body: silence, not a long stream, is what times out. */
    public void dataReceived() {
        lastDataNanos = System.nanoTime();
    }

    /** Resets the exchange with a timeout once no data came for {@code idleMillis}; stops when the body ends. */
    void watchIdle(Vertx vertx, long idleMillis) {
        this.vertx = vertx;
        this.idleNanos = idleMillis * 1_000_000;
        response.end().onComplete(done -> {
            // a failure can arrive while the exchange hops to the reader's event loop, before the reader listens:
            // the timer stays and its reset reaches the reader then, as Vert.x's own timer did
            if (done.succeeded()) {
                stopWatching();
            }
        });
        if (!ended) {
            schedule(idleMillis);
        }
    }

    private void stopWatching() {
        ended = true;
        long id = timer;
        if (id >= 0 && vertx != null) {
            vertx.cancelTimer(id);
        }
    }

    private void schedule(long millis) {
        timer = vertx.setTimer(Math.max(1, millis), id -> {
            if (ended) {
                return;
            }
            long silent = System.nanoTime() - lastDataNanos;
            if (silent < idleNanos) {
                schedule((idleNanos - silent) / 1_000_000 + 1);
            } else {
                request.reset(0, new TimeoutException("No data from the upstream for " + idleNanos / 1_000_000 + " ms"));
            }
        });
    }
}
