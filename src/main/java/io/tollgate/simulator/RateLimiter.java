package io.tollgate.simulator;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Heroku's per-key×model sliding one-minute window of requests and tokens (§4). */
final class RateLimiter {

    static final long WINDOW_MS = 60_000;

    /** The answer for one request, with the six {@code x-ratelimit-*} headers (and Retry-After when refused). */
    record Decision(boolean allowed, Map<String, String> headers) {
    }

    private record Use(long atMs, long tokens) {
    }

    private final Map<String, ArrayDeque<Use>> windows = new HashMap<>();

    /**
     * Counts the request (when admitted) and describes the window after it. Refused only when {@code enforce} is set;
     * otherwise the headers are reported but nothing is refused.
     */
    synchronized Decision acquire(String key, String model, SimulatedModels.Limits limits, long tokens,
            boolean enforce) {
        long now = System.nanoTime() / 1_000_000;
        ArrayDeque<Use> window = windows.computeIfAbsent(key + '\u0000' + model, k -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst().atMs() + WINDOW_MS <= now) {
            window.removeFirst();
        }
        long used = window.stream().mapToLong(Use::tokens).sum();
        boolean overRequests = window.size() + 1 > limits.requestsPerMinute();
        boolean overTokens = used + tokens > limits.tokensPerMinute();
        if (enforce && (overRequests || overTokens)) {
            long waitMs = 0;
            if (overRequests) {
                waitMs = expiry(window.peekFirst(), now);
            }
            if (overTokens) {
                waitMs = Math.max(waitMs, tokenWait(window, used, tokens, limits.tokensPerMinute(), now));
            }
            Map<String, String> headers = headers(limits, window, used, now);
            headers.put("retry-after", Long.toString(Math.max(1, ceilSeconds(waitMs))));
            return new Decision(false, headers);
        }
        window.addLast(new Use(now, tokens));
        return new Decision(true, headers(limits, window, used + tokens, now));
    }

    synchronized void clear() {
        windows.clear();
    }

    private static Map<String, String> headers(SimulatedModels.Limits limits, ArrayDeque<Use> window, long used,
            long now) {
        long reset = window.isEmpty() ? 0 : expiry(window.peekFirst(), now);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", Integer.toString(limits.requestsPerMinute()));
        headers.put("x-ratelimit-limit-tokens", Integer.toString(limits.tokensPerMinute()));
        headers.put("x-ratelimit-remaining-requests",
                Integer.toString(Math.max(0, limits.requestsPerMinute() - window.size())));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, limits.tokensPerMinute() - used)));
        headers.put("x-ratelimit-reset-requests", ceilSeconds(reset) + "s");
        headers.put("x-ratelimit-reset-tokens", ceilSeconds(reset) + "s");
        return headers;
    }

    /** How long until enough old tokens leave the window for this request to fit. */
    private static long tokenWait(ArrayDeque<Use> window, long used, long tokens, long limit, long now) {
        long remaining = used;
        for (Use use : window) {
            remaining -= use.tokens();
            if (remaining + tokens <= limit) {
                return expiry(use, now);
            }
        }
        // larger than the whole window: no wait makes it fit, so point at a full window
        return WINDOW_MS;
    }

    private static long expiry(Use use, long now) {
        return Math.max(0, use.atMs() + WINDOW_MS - now);
    }

    private static long ceilSeconds(long ms) {
        return (ms + 999) / 1000;
    }
}
