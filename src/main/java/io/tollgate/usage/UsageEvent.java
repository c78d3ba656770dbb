package io.tollgate.usage;

import java.time.Instant;
import java.util.UUID;

/** One usage row: one upstream exchange, keyed by tollgate's request id. */
public record UsageEvent(
        String requestId,
        UUID tenantId,
        UUID keyId,
        String endpoint,
        String requestedModel,
        String upstreamModel,
        String upstream,
        int status,
        Tokens tokens,
        boolean streamed,
        boolean completed,
        int latencyMs,
        /** Upstream attempts it took (retries + 1). */
        int attempts,
        Instant createdAt) {
}
