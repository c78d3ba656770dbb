package io.tollgate.admin.dto;

import io.tollgate.ratelimit.Limits;

/**
 * {@code limits} absent: the configured defaults ({@code tollgate.rate-limit.default-tenant.*}, none unless set).
 * {@code budget} absent: no monthly budget.
 */
public record CreateTenantRequest(String name, Limits limits, BudgetRequest budget) {
}
