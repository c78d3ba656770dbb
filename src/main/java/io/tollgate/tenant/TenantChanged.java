package io.tollgate.tenant;

import java.util.UUID;

/** CDI event fired after a tenant's change is committed, so this instance's caches drop it at once. */
public record TenantChanged(UUID tenantId) {
}
