package io.tollgate.tenant;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.tollgate.error.ErrorType;
import io.tollgate.error.GatewayException;
import io.tollgate.ratelimit.Limits;
import io.tollgate.ratelimit.LimitsConverter;
import io.tollgate.ratelimit.RateLimitConfig;

/** Creates, renames and disables tenants. Disabling keeps the tenant's usage and stops all its keys. */
@ApplicationScoped
public class TenantService {

    static final int MAX_NAME_LENGTH = 200;

    private final TenantRepository tenants;
    private final Event<TenantChanged> changed;
    private final Clock clock;
    private final Limits defaultLimits;

    public TenantService(TenantRepository tenants, Event<TenantChanged> changed, Clock clock, RateLimitConfig rateLimits) {
        this.tenants = tenants;
        this.changed = changed;
        this.clock = clock;
        this.defaultLimits = Limits.of(rateLimits.defaultTenant());
    }

    /** @param limits null: the configured defaults ({@code tollgate.rate-limit.default-tenant.*}) */
    @WithTransaction
    public Uni<Tenant> create(String name, Limits limits) {
        String valid = validName(name);
        Limits validLimits = limits == null ? defaultLimits : Limits.validated(limits, "limits");
        return tenants.findByName(valid).chain(existing -> {
            if (existing != null) {
                throw conflict(valid);
            }
            Tenant tenant = new Tenant();
            tenant.id = UUID.randomUUID();
            tenant.name = valid;
            tenant.createdAt = now();
            tenant.updatedAt = tenant.createdAt;
            tenant.limits = validLimits;
            return tenants.persist(tenant);
        });
    }

    @WithSession
    public Uni<List<Tenant>> list() {
        return tenants.listAllByCreation();
    }

    @WithSession
    public Uni<Tenant> get(UUID id) {
        return tenants.findById(id).map(t -> require(t, id));
    }

    /**
     * Renames the tenant and/or replaces its limits (null: unchanged; {@code {}}: no limits). New limits apply on
     * every replica at once; they may not be lower than a limit one of the tenant's keys has.
     */
    public Uni<Tenant> update(UUID id, String name, Limits limits) {
        if (name == null && limits == null) {
            throw GatewayException.badRequest("Nothing to update: give 'name' and/or 'limits'");
        }
        return updateInTransaction(id, name, limits).invoke(t -> {
            if (limits != null) {
                changed.fire(new TenantChanged(t.id));
            }
        });
    }

    @WithTransaction
    Uni<Tenant> updateInTransaction(UUID id, String name, Limits limits) {
        String valid = name == null ? null : validName(name);
        Limits validLimits = limits == null ? null : Limits.validated(limits, "limits");
        return tenants.findById(id).map(t -> require(t, id))
                .call(tenant -> valid == null ? Uni.createFrom().voidItem()
                        : tenants.findByName(valid).invoke(other -> {
                            if (other != null && !other.id.equals(id)) {
                                throw conflict(valid);
                            }
                        }))
                .call(tenant -> limits == null ? Uni.createFrom().voidItem()
                        : tenants.keyLimits(id).invoke(keys -> {
                            for (Object[] key : keys) {
                                requireAbove(validLimits, LimitsConverter.fromJson((String) key[1]), (String) key[0]);
                            }
                        }))
                .call(tenant -> {
                    if (valid != null) {
                        tenant.name = valid;
                    }
                    tenant.updatedAt = now();
                    if (limits == null) {
                        return Uni.createFrom().voidItem();
                    }
                    tenant.limits = validLimits;
                    tenant.limitsVersion = Math.max(tenant.limitsVersion + 1, clock.millis());
                    return tenants.notifyChanged(id);
                });
    }

    private static void requireAbove(Limits tenant, Limits key, String keyId) {
        try {
            Limits.requireWithin(key, tenant, "limits");
        } catch (GatewayException e) {
            throw GatewayException.invalidField("limits", "Key " + keyId + " has higher limits than these: "
                    + e.getMessage() + ". Lower the key's limits first");
        }
    }

    /** Disables the tenant: its keys stop working on every replica, its usage is kept. Idempotent. */
    public Uni<Tenant> disable(UUID id) {
        return disableInTransaction(id).invoke(t -> changed.fire(new TenantChanged(t.id)));
    }

    @WithTransaction
    Uni<Tenant> disableInTransaction(UUID id) {
        return tenants.findById(id).map(t -> require(t, id)).chain(tenant -> {
            if (tenant.disabledAt == null) {
                tenant.disabledAt = now();
                tenant.updatedAt = tenant.disabledAt;
            }
            return tenants.notifyChanged(id).replaceWith(tenant);
        });
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private static Tenant require(Tenant tenant, UUID id) {
        if (tenant == null) {
            throw GatewayException.notFound("tenant_not_found", "No tenant with id " + id);
        }
        return tenant;
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

    private static GatewayException conflict(String name) {
        return new GatewayException(409, ErrorType.INVALID_REQUEST, "tenant_exists", "name",
                "A tenant named '" + name + "' already exists", java.util.Map.of());
    }
}
