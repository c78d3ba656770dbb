package io.tollgate.admin.dto;

import java.util.UUID;

import io.tollgate.budget.Budget;
import io.tollgate.budget.Spend;

/** A budget and this month's spend against it (UTC calendar month). */
public record BudgetResponse(UUID subjectId, Long monthlyUsdMicros, Long monthlyTokens, long spentUsdMicros,
        long spentTokens) {

    public static BudgetResponse of(UUID subject, Budget budget, Spend spend) {
        return new BudgetResponse(subject, budget.monthlyUsdMicros(), budget.monthlyTokens(), spend.usdMicros(),
                spend.tokens());
    }
}
