package io.tollgate.usage;

/** One line of a usage report: a day, a model or a key, and what it used. */
public record UsageRow(String group, long requests, long inputTokens, long outputTokens, long totalTokens, long images,
        long searchUnits) {
}
