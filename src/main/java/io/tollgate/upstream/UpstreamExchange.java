package io.tollgate.upstream;

import java.time.Duration;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An exchange with an upstream whose status and headers have arrived; the body is still to be read, and the
 * response is paused until the reader has set its handlers and resumes it.
 * <p>
 * While it is paused, chunks and the end wait in the response's buffer, but a failure of the connection (the
 * upstream closing it mid-body, say) is delivered at once. The exchange keeps that failure so the reader can act
 * on it once it has taken over, instead of waiting for an end that will never come.
 * <p>
 * The idle timeout between body chunks is the exchange's own timer, which the reader keeps alive with
 * {@link #activity()} and stops with {@link #finished()}. (Vert.x's request idle timeout, set after the response has
 * arrived, outlives the exchange and would later close the pooled connection under another request.)
 */
public final class UpstreamExchange {

    private final Vertx vertx;
    private final HttpClientRequest request;
    private final HttpClientResponse response;
    private final long idleNanos;
    private volatile Throwable earlyFailure;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean idleTimedOut;
    private volatile boolean heldByReader;
    private long timer = -1;
    private boolean finished;

    UpstreamExchange(Vertx vertx, HttpClientRequest request, HttpClientResponse response, Duration idleTimeout) {
        this.vertx = vertx;
        this.request = request;
        this.response = response;
        this.idleNanos = idleTimeout.toNanos();
        response.exceptionHandler(e -> earlyFailure = e);
        arm(idleNanos);
    }

    public HttpClientRequest request() {
        return request;
    }

    public HttpClientResponse response() {
        return response;
    }

    /** The failure that reached the response before the reader set its own exception handler, or null. */
    public Throwable earlyFailure() {
        return earlyFailure;
    }

    /** Whether the exchange was ended because the upstream sent nothing for the idle timeout. */
    public boolean idleTimedOut() {
        return idleTimedOut;
    }

    /** A chunk arrived: the idle timeout counts from now. */
    public void activity() {
        lastActivity = System.nanoTime();
    }

    /**
     * The reader paused the response (its client reads slowly) or resumed it: a pause held by the reader is not
     * the upstream's idleness.
     */
    public void held(boolean held) {
        heldByReader = held;
        lastActivity = System.nanoTime();
    }

    /** Whether the reader holds the response paused (what arrives waits in its buffer until it resumes). */
    public boolean heldByReader() {
        return heldByReader;
    }

    /** The body has been read (or the exchange abandoned): no more idle checks. */
    public void finished() {
        synchronized (this) {
            finished = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }

    public void cancel() {
        finished();
        request.reset();
    }

    private synchronized void arm(long nanos) {
        if (finished) {
            return;
        }
        timer = vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> check());
    }

    private void check() {
        long idle = System.nanoTime() - lastActivity;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (heldByReader || idle < idleNanos) {
                arm(heldByReader ? idleNanos : idleNanos - idle);
                return;
            }
            finished = true;
            timer = -1;
        }
        idleTimedOut = true;
        request.reset(0, new UpstreamTimeoutException("The upstream sent nothing for " + idleNanos / 1_000_000
                + " ms (idle timeout)"));
    }
}
