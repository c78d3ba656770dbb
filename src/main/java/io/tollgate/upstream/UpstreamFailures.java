package io.tollgate.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;

/** Which upstream failures are retried and which count against the circuit breaker. Pure logic. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** Statuses that say "try again": timeouts, rate limits, server errors, Anthropic's overload. */
    public static boolean retryableStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
                || status == 529;
    }

    /** Retried: connect failures, resets before any response, retryable statuses whose Retry-After fits the budget. */
    public static boolean retryable(Throwable e) {
        if (e instanceof UpstreamStatusException s) {
            return s.retryAfterFits();
        }
        // a stalled upstream is not retried: each attempt would wait the whole first-byte timeout again
        return !isTimeout(e) && (isConnectFailure(e) || isReset(e));
    }

    /** Counted by the breaker: everything an upstream did wrong. The client's own 4xx never get here. */
    public static boolean countsAgainstBreaker(Throwable e) {
        return e instanceof UpstreamStatusException || isConnectFailure(e) || isReset(e) || isTimeout(e);
    }

    public static boolean isTimeout(Throwable e) {
        if (e instanceof TimeoutException || (e.getCause() != null && e.getCause() != e && isTimeout(e.getCause()))) {
            return true;
        }
        String name = e.getClass().getSimpleName();
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return name.contains("Timeout") || message.contains("timeout") || message.contains("timed out");
    }

    static boolean isConnectFailure(Throwable e) {
        return e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException
                || e.getClass().getName().contains("ConnectException");
    }

    static boolean isReset(Throwable e) {
        if (e instanceof HttpClosedException) {
            return true;
        }
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return (e instanceof java.io.IOException || e instanceof VertxException)
                && (message.contains("reset") || message.contains("closed"));
    }

    /** {@code Retry-After} in seconds or as an HTTP date; -1 when absent or unreadable. */
    public static long retryAfterMillis(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip();
        try {
            return Math.max(0, (long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(clock.instant(), at.toInstant()).toMillis());
            } catch (DateTimeParseException ex) {
                return -1;
            }
        }
    }
}
