package io.tollgate.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import io.tollgate.error.ErrorType;
import io.tollgate.error.GatewayException;

/**
 * The decision for one request, on whatever thread may block on the store: a concurrency slot, one request and the
 * token reservation from each limited scope (key and tenant), in that order. All or nothing: a refusal gives back
 * what was already taken and throws the 429.
 */
final class RateLimiter {

    private static final Limits.Kind[] ORDER = { Limits.Kind.CONCURRENT, Limits.Kind.REQUESTS, Limits.Kind.TOKENS };

    private final BucketStore store;
    private final BucketPolicies policies;
    private final Executor settleOn;

    RateLimiter(BucketStore store, BucketPolicies policies, Executor settleOn) {
        this.store = store;
        this.policies = policies;
        this.settleOn = settleOn;
    }

    /** What the tightest bucket of a kind said: for the headers. */
    private record Reading(long limit, long remaining, long nanosToReset) {
    }

    /**
     * The decision, waiting for the bucket store where it must (on a thread that may block).
     *
     * @param model the model asked for (per-model overrides)
     * @param tokens the reservation (prompt estimate + max output); capped at each bucket's limit so that a request
     *        larger than a minute's tokens is still admitted when the bucket is full, and settled afterwards
     */
    Lease acquire(List<LimitScope> scopes, String model, long tokens) {
        return acquire(scopes, model, tokens, true);
    }

    /**
     * The decision if it can be made without waiting for the bucket store (in memory: local buckets, or what a
     * replica holds of shared ones), else null, having taken nothing. For an event loop.
     */
    Lease tryAcquireWithoutBlocking(List<LimitScope> scopes, String model, long tokens) {
        return acquire(scopes, model, tokens, false);
    }

    private Lease acquire(List<LimitScope> scopes, String model, long tokens, boolean mayBlock) {
        List<Lease.Taken> taken = new ArrayList<>();
        Map<Limits.Kind, Reading> readings = new LinkedHashMap<>();
        for (Limits.Kind kind : ORDER) {
            if (kind == Limits.Kind.TOKENS && tokens <= 0) {
                continue; // nothing to reserve (a GET)
            }
            for (LimitScope scope : scopes) {
                if (scope.limits() == null) {
                    continue;
                }
                Long limit = scope.limits().effective(kind, model);
                if (limit == null) {
                    continue;
                }
                LimitBucket bucket = store.bucket(kind, scope.bucketId(kind, model), scope.version(), limit,
                        () -> policies.of(kind, limit), mayBlock);
                long amount = kind == Limits.Kind.TOKENS ? Math.min(tokens, limit) : 1;
                LimitBucket.Probe probe = bucket == null ? null : bucket.tryConsume(amount, mayBlock);
                if (probe == null) {
                    Lease.refund(taken);
                    return null; // the store must be asked: not here
                }
                long remaining = probe.remaining();
                Reading reading = new Reading(limit, probe.consumed() ? remaining : 0, toFull(limit, remaining));
                readings.merge(kind, reading, RateLimiter::tighter);
                if (!probe.consumed()) {
                    Lease.refund(taken);
                    throw exceeded(kind, scope, limit, probe.nanosToWait(), headers(readings));
                }
                taken.add(new Lease.Taken(kind, bucket, amount));
            }
        }
        if (taken.isEmpty()) {
            return Lease.NONE;
        }
        boolean blocking = taken.stream().anyMatch(t -> t.bucket().blocking());
        return new Lease(List.copyOf(taken), headers(readings), blocking ? settleOn : Runnable::run);
    }

    /** How long until a per-minute bucket with {@code remaining} of {@code limit} is full again. */
    private static long toFull(long limit, long remaining) {
        long missing = limit - remaining;
        return missing <= 0 ? 0 : (long) Math.ceil(missing * (double) BucketPolicies.MINUTE.toNanos() / limit);
    }

    private static Reading tighter(Reading a, Reading b) {
        if (a.remaining() != b.remaining()) {
            return a.remaining() < b.remaining() ? a : b;
        }
        return a.limit() <= b.limit() ? a : b;
    }

    static Map<String, String> headers(Map<Limits.Kind, Reading> readings) {
        Map<String, String> headers = new LinkedHashMap<>();
        put(headers, "requests", readings.get(Limits.Kind.REQUESTS));
        put(headers, "tokens", readings.get(Limits.Kind.TOKENS));
        return headers;
    }

    private static void put(Map<String, String> headers, String what, Reading reading) {
        if (reading == null) {
            return;
        }
        headers.put("x-ratelimit-limit-" + what, Long.toString(reading.limit()));
        headers.put("x-ratelimit-remaining-" + what, Long.toString(Math.max(0, reading.remaining())));
        headers.put("x-ratelimit-reset-" + what, duration(reading.nanosToReset()));
    }

    private GatewayException exceeded(Limits.Kind kind, LimitScope scope, long limit, long nanosToWait,
            Map<String, String> limitHeaders) {
        // a slot frees when a request ends, which no bucket can predict: retry soon
        long seconds = kind == Limits.Kind.CONCURRENT ? 1 : retryAfterSeconds(nanosToWait);
        Map<String, String> headers = new LinkedHashMap<>(limitHeaders);
        headers.put("Retry-After", Long.toString(seconds));
        String what = switch (kind) {
            case REQUESTS -> "requests per minute";
            case TOKENS -> "tokens per minute";
            case CONCURRENT -> "concurrent requests";
        };
        String code = switch (kind) {
            case REQUESTS -> "requests_per_minute_exceeded";
            case TOKENS -> "tokens_per_minute_exceeded";
            case CONCURRENT -> "concurrent_requests_exceeded";
        };
        String message = "Rate limit reached for " + what + " of this " + (scope.name().equals("key") ? "API key" : "tenant")
                + ": limit " + limit + ". Retry after " + seconds + "s.";
        return new GatewayException(429, ErrorType.RATE_LIMIT, code, null, message, Map.copyOf(headers));
    }

    /** Whole seconds until the tokens are there again, rounded up, at least 1. */
    static long retryAfterSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** OpenAI's notation for the reset headers: {@code 250ms}, {@code 6s}, {@code 1m30s}. */
    static String duration(long nanos) {
        if (nanos <= 0) {
            return "0s";
        }
        if (nanos < 1_000_000_000L) {
            return ((nanos + 999_999) / 1_000_000) + "ms";
        }
        long seconds = (nanos + 999_999_999L) / 1_000_000_000L;
        return seconds < 60 ? seconds + "s" : (seconds / 60) + "m" + (seconds % 60) + "s";
    }
}
