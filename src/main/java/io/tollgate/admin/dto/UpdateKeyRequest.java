package io.tollgate.admin.dto;

import io.tollgate.ratelimit.Limits;

/**
 * Each field absent: unchanged. {@code "limits": {}} removes the key's own limits (its tenant's still apply); for
 * {@code budget} see {@link BudgetRequest}.
 */
public record UpdateKeyRequest(String name, Limits limits, BudgetRequest budget) {
}
