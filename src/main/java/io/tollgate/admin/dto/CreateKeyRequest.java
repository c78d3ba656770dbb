package io.tollgate.admin.dto;

import java.time.OffsetDateTime;
import java.util.List;

import io.tollgate.ratelimit.Limits;

/**
 * {@code models} absent: the key may use every model. {@code limits} absent: the configured defaults; present: at
 * most the tenant's. {@code budget} absent: none of its own (its tenant's still applies).
 */
public record CreateKeyRequest(String name, OffsetDateTime expiresAt, List<String> models, Limits limits,
        BudgetRequest budget) {
}
