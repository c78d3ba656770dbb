package io.tollgate.budget;

/** What a tenant or key used this month, from the usage rollup. */
public record Spend(long usdMicros, long tokens) {
}
