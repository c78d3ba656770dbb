package io.tollgate.admin.dto;

import io.tollgate.budget.Budget;

/** {@code "budget": {"monthlyUsdMicros": N}} and/or {@code {"monthlyTokens": N}}; {@code {}} removes the budget. */
public record BudgetRequest(Long monthlyUsdMicros, Long monthlyTokens) {

    public Budget toBudget() {
        return new Budget(monthlyUsdMicros, monthlyTokens);
    }
}
