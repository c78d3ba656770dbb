package io.tollgate.admin.dto;

import io.tollgate.budget.Budget;

/**
 * {@code "budget": {"monthlyUsdMicros": N}} and/or {@code {"monthlyTokens": N}}, optionally with
 * {@code "softLimitPercent": 1..100} (reported past it, never refused); {@code {}} removes the budget.
 */
public record BudgetRequest(Long monthlyUsdMicros, Long monthlyTokens, Integer softLimitPercent) {

    public Budget toBudget() {
        return new Budget(monthlyUsdMicros, monthlyTokens, softLimitPercent);
    }
}
