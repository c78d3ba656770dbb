package io.tollgate.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * An upstream answered with a status worth retrying (408, 429, 5xx, 529). Carries the whole answer: when retries
 * end, the client gets it as the upstream sent it.
 */
public class UpstreamStatusException extends RuntimeException {

    private final int status;
    private final MultiMap headers;
    private final Buffer body;
    /** The upstream's Retry-After in milliseconds, or -1. */
    private final long retryAfterMillis;
    /** Whether waiting Retry-After still fits the request's retry budget. */
    private final boolean retryAfterFits;

    public UpstreamStatusException(int status, MultiMap headers, Buffer body, long retryAfterMillis, boolean retryAfterFits) {
        super("upstream answered " + status, null, false, false);
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.retryAfterMillis = retryAfterMillis;
        this.retryAfterFits = retryAfterFits;
    }

    public int status() {
        return status;
    }

    public MultiMap headers() {
        return headers;
    }

    public Buffer body() {
        return body;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    public boolean retryAfterFits() {
        return retryAfterFits;
    }
}
