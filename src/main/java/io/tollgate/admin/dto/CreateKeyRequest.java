package io.tollgate.admin.dto;

import java.time.OffsetDateTime;
import java.util.List;

/** {@code models} absent: the key may use every model. */
public record CreateKeyRequest(String name, OffsetDateTime expiresAt, List<String> models, BudgetRequest budget) {
}
