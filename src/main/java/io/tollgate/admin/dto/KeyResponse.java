package io.tollgate.admin.dto;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.tollgate.apikey.ApiKey;
import io.tollgate.ratelimit.Limits;

/**
 * A key as the admin API shows it; {@code key} (the secret) only in the answer to create and rotate; {@code limits}
 * only when the key has its own (its tenant's apply in any case).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyResponse(UUID id, UUID tenantId, String name, String prefix, List<String> models, String status,
        OffsetDateTime expiresAt, OffsetDateTime revokedAt, OffsetDateTime createdAt, OffsetDateTime rotatedAt,
        String key, Limits limits) {

    public static KeyResponse of(ApiKey k, OffsetDateTime now) {
        return of(k, now, null);
    }

    public static KeyResponse of(ApiKey k, OffsetDateTime now, String secret) {
        String status = k.revokedAt != null ? "revoked"
                : k.expiresAt != null && !k.expiresAt.isAfter(now) ? "expired" : "active";
        return new KeyResponse(k.id, k.tenantId, k.name, k.prefix, k.models == null ? null : List.of(k.models), status,
                k.expiresAt, k.revokedAt, k.createdAt, k.rotatedAt, secret, k.limits);
    }
}
