package io.tollgate.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.tollgate.error.ErrorType;
import io.tollgate.error.GatewayException;
import io.tollgate.ratelimit.Limits;
import io.tollgate.ratelimit.RateLimitConfig;
import io.tollgate.tenant.Tenant;
import io.tollgate.tenant.TenantRepository;

/** Issues, lists, rotates and revokes keys. The secret leaves this class once, in the {@link IssuedKey}. */
@ApplicationScoped
public class ApiKeyService {

    static final int MAX_NAME_LENGTH = 200;
    static final Duration MAX_GRACE = Duration.ofDays(30);

    private final ApiKeyRepository keys;
    private final TenantRepository tenants;
    private final KeyHasher hasher;
    private final Event<KeyChanged> changed;
    private final Clock clock;
    private final Limits defaultLimits;

    public ApiKeyService(ApiKeyRepository keys, TenantRepository tenants, KeyHasher hasher, Event<KeyChanged> changed,
            Clock clock, RateLimitConfig rateLimits) {
        this.keys = keys;
        this.tenants = tenants;
        this.hasher = hasher;
        this.changed = changed;
        this.clock = clock;
        this.defaultLimits = Limits.of(rateLimits.defaultKey());
    }

    /**
     * @param limits the key's own limits, at most its tenant's; null: the configured defaults
     *        ({@code tollgate.rate-limit.default-key.*}, lowered to the tenant's where they are higher)
     */
    @WithTransaction
    public Uni<IssuedKey> issue(UUID tenantId, String name, OffsetDateTime expiresAt, List<String> models,
            Limits limits) {
        Limits validLimits = limits == null ? null : Limits.validated(limits, "limits");
        OffsetDateTime now = now();
        String validName = validName(name);
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw GatewayException.invalidField("expiresAt", "Field 'expiresAt' must be in the future");
        }
        String[] validModels = validModels(models);
        return tenants.findById(tenantId).chain(tenant -> {
            requireActive(tenant, tenantId);
            Limits keyLimits = limits == null ? Limits.lowered(defaultLimits, tenant.limits) : validLimits;
            Limits.requireWithin(keyLimits, tenant.limits, "limits");
            String secret = KeyFormat.newSecret();
            ApiKey key = new ApiKey();
            key.id = UUID.randomUUID();
            key.tenantId = tenantId;
            key.name = validName;
            key.prefix = KeyFormat.displayPrefix(secret);
            key.models = validModels;
            key.expiresAt = expiresAt;
            key.createdAt = now;
            key.limits = keyLimits;
            return keys.persist(key)
                    .call(keys::flush)
                    .call(k -> keys.insertSecret(k.id, hasher.hash(secret), now))
                    .map(k -> new IssuedKey(k, secret));
        });
    }

    /** The key, or 404. */
    @WithSession
    public Uni<ApiKey> get(UUID keyId) {
        return keys.findById(keyId).invoke(key -> require(key, keyId));
    }

    @WithSession
    public Uni<List<ApiKey>> list(UUID tenantId) {
        return tenants.findById(tenantId).chain(tenant -> {
            if (tenant == null) {
                throw GatewayException.notFound("tenant_not_found", "No tenant with id " + tenantId);
            }
            return keys.listByTenant(tenantId);
        });
    }

    /**
     * Renames the key and/or replaces its limits (null: unchanged; {@code {}}: none of its own). New limits apply on
     * every replica at once and may not exceed the tenant's.
     */
    public Uni<ApiKey> update(UUID keyId, String name, Limits limits) {
        if (name == null && limits == null) {
            throw GatewayException.badRequest("Nothing to update: give 'name' and/or 'limits'");
        }
        return updateInTransaction(keyId, name, limits).invoke(k -> {
            if (limits != null) {
                changed.fire(new KeyChanged(k.id));
            }
        });
    }

    @WithTransaction
    Uni<ApiKey> updateInTransaction(UUID keyId, String name, Limits limits) {
        String validName = name == null ? null : validName(name);
        Limits validLimits = limits == null ? null : Limits.validated(limits, "limits");
        return keys.findById(keyId).chain(key -> {
            require(key, keyId);
            if (validName != null) {
                key.name = validName;
            }
            if (limits == null) {
                return Uni.createFrom().item(key);
            }
            return tenants.findById(key.tenantId).chain(tenant -> {
                Limits.requireWithin(validLimits, tenant.limits, "limits");
                key.limits = validLimits;
                key.limitsVersion = Math.max(key.limitsVersion + 1, clock.millis());
                return keys.notifyChanged(keyId).replaceWith(key);
            });
        });
    }

    /** Revokes the key on every replica. Idempotent. */
    public Uni<ApiKey> revoke(UUID keyId) {
        return revokeInTransaction(keyId).invoke(k -> changed.fire(new KeyChanged(k.id)));
    }

    @WithTransaction
    Uni<ApiKey> revokeInTransaction(UUID keyId) {
        return keys.findById(keyId).chain(key -> {
            require(key, keyId);
            if (key.revokedAt == null) {
                key.revokedAt = now();
            }
            return keys.notifyChanged(keyId).replaceWith(key);
        });
    }

    /**
     * Gives the key a new secret. The previous secret keeps working for {@code grace} (zero: it stops at once).
     */
    public Uni<IssuedKey> rotate(UUID keyId, Duration grace) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw GatewayException.invalidField("gracePeriodSeconds",
                    "Field 'gracePeriodSeconds' must be between 0 and " + MAX_GRACE.toSeconds());
        }
        return rotateInTransaction(keyId, grace).invoke(issued -> changed.fire(new KeyChanged(keyId)));
    }

    @WithTransaction
    Uni<IssuedKey> rotateInTransaction(UUID keyId, Duration grace) {
        OffsetDateTime now = now();
        return keys.findById(keyId).chain(key -> {
            require(key, keyId);
            if (key.revokedAt != null) {
                throw new GatewayException(409, ErrorType.INVALID_REQUEST, "key_revoked", null,
                        "A revoked key cannot be rotated", Map.of());
            }
            String secret = KeyFormat.newSecret();
            key.prefix = KeyFormat.displayPrefix(secret);
            key.rotatedAt = now;
            return keys.expireSecrets(keyId, now.plus(grace))
                    .call(() -> keys.insertSecret(keyId, hasher.hash(secret), now))
                    .call(() -> keys.notifyChanged(keyId))
                    .map(x -> new IssuedKey(key, secret));
        });
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private static void require(ApiKey key, UUID keyId) {
        if (key == null) {
            throw GatewayException.notFound("key_not_found", "No key with id " + keyId);
        }
    }

    private static void requireActive(Tenant tenant, UUID tenantId) {
        if (tenant == null) {
            throw GatewayException.notFound("tenant_not_found", "No tenant with id " + tenantId);
        }
        if (tenant.disabled()) {
            throw new GatewayException(409, ErrorType.INVALID_REQUEST, "tenant_disabled", null,
                    "Tenant " + tenantId + " is disabled", Map.of());
        }
    }

    private static String validName(String name) {
        if (name == null || name.isBlank()) {
            throw GatewayException.invalidField("name", "Field 'name' is required and must not be blank");
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw GatewayException.invalidField("name", "Field 'name' must be at most " + MAX_NAME_LENGTH + " characters");
        }
        return trimmed;
    }

    private static String[] validModels(List<String> models) {
        if (models == null) {
            return null;
        }
        if (models.isEmpty()) {
            throw GatewayException.invalidField("models",
                    "Field 'models' must list at least one model (omit it to allow every model)");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String model : models) {
            if (model == null || model.isBlank()) {
                throw GatewayException.invalidField("models", "Field 'models' must not contain blank entries");
            }
            unique.add(model.strip());
        }
        return unique.toArray(String[]::new);
    }
}
