package io.tollgate.auth;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.tollgate.ratelimit.LimitScope;

/**
 * Who presented a key, as far as the proxy needs to know: the key, its tenant, its model scope and until when it
 * is valid, and the limits of the key and its tenant. Cached; {@link #expiresAt} is checked on every request so
 * expiry needs no invalidation; a change of limits invalidates like a revocation.
 */
public record Caller(UUID keyId, UUID tenantId, Set<String> models, Instant expiresAt, State state,
        List<LimitScope> limits) {

    public enum State {
        ACTIVE,
        REVOKED,
        TENANT_DISABLED,
        UNKNOWN
    }

    static final Caller UNKNOWN = new Caller(null, null, null, null, State.UNKNOWN, List.of());

    /** Null models means the key may use every model. */
    public boolean mayUse(String model) {
        return models == null || models.contains(model);
    }
}
