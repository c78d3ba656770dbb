package io.tollgate.upstream;

import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

/**
 * Exponential backoff with full jitter, except when the upstream said how long to wait (Retry-After): then that
 * long. Whether that wait fits the budget was decided when the failure was classified.
 */
final class RetryAfterBackoff implements CustomBackoffStrategy {

    private final long initialMillis;
    private final long maxMillis;
    private int retries;

    RetryAfterBackoff(long initialMillis, long maxMillis) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
    }

    @Override
    public long nextDelayInMillis(Throwable cause) {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(retries++, 20));
        if (cause instanceof UpstreamStatusException s && s.retryAfterMillis() >= 0) {
            return s.retryAfterMillis();
        }
        // half fixed, half random: never a thundering herd, never a zero wait
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
