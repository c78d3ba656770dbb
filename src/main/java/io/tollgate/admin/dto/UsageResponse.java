package io.tollgate.admin.dto;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.tollgate.usage.UsageRow;

/**
 * A usage report; {@code budget}: the tenant's monthly budget and this month's spend against it (with
 * {@code softLimitReached}), absent across tenants and for a tenant without a budget.
 */
public record UsageResponse(UUID tenantId, Instant from, Instant to, String groupBy, List<UsageRow> rows,
        @JsonInclude(JsonInclude.Include.NON_NULL) BudgetResponse budget) {
}
