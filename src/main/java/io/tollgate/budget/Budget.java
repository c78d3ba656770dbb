package io.tollgate.budget;

/** A monthly budget (UTC calendar month): money in micro-dollars, tokens, or both; null: no limit of that kind. */
public record Budget(Long monthlyUsdMicros, Long monthlyTokens) {

    public static final Budget NONE = new Budget(null, null);

    public boolean none() {
        return monthlyUsdMicros == null && monthlyTokens == null;
    }
}
