package io.tollgate.usage;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One usage row: one upstream exchange, keyed by tollgate's request id. */
@RegisterForReflection // written to and read from the usage spool with Jackson (native mode too)
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
        Instant createdAt,
        /** What the row is; absent in spools written before reservations existed: {@link Kind#EXACT}. */
        Kind kind) {

    public UsageEvent {
        if (kind == null) {
            kind = Kind.EXACT;
        }
    }

    /** An exact row: the upstream's own count of what the request used. */
    public UsageEvent(String requestId, UUID tenantId, UUID keyId, String endpoint, String requestedModel,
            String upstreamModel, String upstream, int status, Tokens tokens, boolean streamed, boolean completed,
            int latencyMs, int attempts, Instant createdAt) {
        this(requestId, tenantId, keyId, endpoint, requestedModel, upstreamModel, upstream, status, tokens, streamed,
                completed, latencyMs, attempts, createdAt, Kind.EXACT);
    }

    /**
     * {@code reserved} mode ({@link UsageConfig.Mode#RESERVED}): a row is first a {@link #RESERVATION}, written to
     * {@code usage_reservation} when the request is admitted, then {@link #EXACT} (which replaces the reservation), or,
     * when no exact row came in time, an {@link #ESTIMATE} booked from the reservation.
     */
    public enum Kind {
        EXACT,
        RESERVATION,
        ESTIMATE
    }
}
