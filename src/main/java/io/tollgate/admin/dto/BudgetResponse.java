package io.tollgate.admin.dto;

import java.util.UUID;

import io.tollgate.budget.Budget;
import io.tollgate.budget.Spend;

/**
 * A budget and this month's spend against it (UTC calendar month); {@code softLimitReached}: the spend has reached
 * {@code softLimitPercent} of the money or the token budget.
 */
public record BudgetResponse(UUID subjectId, Long monthlyUsdMicros, Long monthlyTokens, Integer softLimitPercent,
        long spentUsdMicros, long spentTokens, boolean softLimitReached) {

    public static BudgetResponse of(UUID subject, Budget budget, Spend spend) {
        return new BudgetResponse(subject, budget.monthlyUsdMicros(), budget.monthlyTokens(), budget.softLimitPercent(),
                spend.usdMicros(), spend.tokens(), budget.softLimitReached(spend));
    }
}
