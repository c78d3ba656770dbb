package io.tollgate.budget;

import java.math.BigInteger;

/**
 * A monthly budget (UTC calendar month): money in micro-dollars, tokens, or both; null: no limit of that kind.
 * {@code softLimitPercent} (1..100, optional): the share of it past which the spend is reported, not refused.
 */
public record Budget(Long monthlyUsdMicros, Long monthlyTokens, Integer softLimitPercent) {

    public static final Budget NONE = new Budget(null, null, null);
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    public boolean none() {
        return monthlyUsdMicros == null && monthlyTokens == null;
    }

    /** Whether the spend has reached the soft limit of the money or the token budget (false without a soft limit). */
    public boolean softLimitReached(Spend spend) {
        if (softLimitPercent == null) {
            return false;
        }
        return reached(monthlyUsdMicros, spend.usdMicros()) || reached(monthlyTokens, spend.tokens());
    }

    private boolean reached(Long limit, long spent) {
        // spent / limit >= percent / 100, exactly (no rounding at the edge, no overflow)
        return limit != null && BigInteger.valueOf(spent).multiply(HUNDRED)
                .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(softLimitPercent))) >= 0;
    }
}
