package io.tollgate.usage;

/**
 * One line of a usage report: a day, a month, a model, a key or a tenant, what it used and what it cost
 * (micro-dollars; cachedInputTokens are the part of inputTokens read from a prompt cache; unpricedRequests used a model that
 * had no price and are not in the cost; estimatedRequests were booked from their reservations, without the upstream's
 * own count: see {@link UsageEvent.Kind}).
 */
public record UsageRow(String group, long requests, long inputTokens, long cachedInputTokens, long outputTokens,
        long totalTokens, long images,
        long searchUnits, long costMicros, long unpricedRequests, long estimatedRequests) {
}
