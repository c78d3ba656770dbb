package io.tollgate.auth;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Who presented a key, as far as the proxy needs to know: the key, its tenant, its model scope and until when it
 * is valid. Cached; {@link #expiresAt} is checked on every request so expiry needs no invalidation.
 */
public record Caller(UUID keyId, UUID tenantId, Set<String> models, Instant expiresAt, State state) {

    public enum State {
        ACTIVE,
        REVOKED,
        TENANT_DISABLED,
        UNKNOWN
    }

    static final Caller UNKNOWN = new Caller(null, null, null, null, State.UNKNOWN);

    /** Null models means the key may use every model. */
    public boolean mayUse(String model) {
        return models == null || models.contains(model);
    }
}
