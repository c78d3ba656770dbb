package io.tollgate.admin.dto;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.tollgate.usage.UsageRow;

public record UsageResponse(UUID tenantId, Instant from, Instant to, String groupBy, List<UsageRow> rows) {
}
