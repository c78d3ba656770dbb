package io.tollgate.admin.dto;

import java.time.OffsetDateTime;
import java.util.UUID;

import io.tollgate.ratelimit.Limits;
import io.tollgate.tenant.Tenant;

/** {@code limits} null: unlimited. */
public record TenantResponse(UUID id, String name, String status, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        OffsetDateTime disabledAt, Limits limits) {

    public static TenantResponse of(Tenant t) {
        return new TenantResponse(t.id, t.name, t.disabled() ? "disabled" : "active", t.createdAt, t.updatedAt,
                t.disabledAt, t.limits);
    }
}
