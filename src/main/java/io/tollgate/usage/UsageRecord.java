package io.tollgate.usage;

import java.time.Instant;
import java.util.UUID;

/**
 * One raw usage row as the audit API shows it; {@code requestId} is the x-request-id the client saw; {@code estimated}:
 * booked from the request's reservation (its replica died before the exact row was written), not counted by the
 * upstream.
 */
public record UsageRecord(String requestId, UUID tenantId, UUID keyId, String endpoint, String requestedModel,
        String upstreamModel, String upstream, int status, long inputTokens, long cachedInputTokens, long outputTokens,
        long totalTokens,
        int images, int searchUnits, boolean streamed, boolean completed, int latencyMs, int attempts, long costMicros,
        Long priceId, boolean unpriced, Instant createdAt, boolean estimated) {
}
