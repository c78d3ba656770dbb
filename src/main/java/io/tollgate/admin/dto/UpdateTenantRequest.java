package io.tollgate.admin.dto;

import io.tollgate.ratelimit.Limits;

/** Each field absent: unchanged. {@code "limits": {}} removes every limit; for {@code budget} see {@link BudgetRequest}. */
public record UpdateTenantRequest(String name, Limits limits, BudgetRequest budget) {
}
