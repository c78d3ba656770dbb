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

/** Creates, renames and disables tenants. Disabling keeps the tenant's usage and stops all its keys. */
@ApplicationScoped
public class TenantService {

    static final int MAX_NAME_LENGTH = 200;

    private final TenantRepository tenants;
    private final Event<TenantChanged> changed;
    private final Clock clock;

    public TenantService(TenantRepository tenants, Event<TenantChanged> changed, Clock clock) {
        this.tenants = tenants;
        this.changed = changed;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Tenant> create(String name) {
        String valid = validName(name);
        return tenants.findByName(valid).chain(existing -> {
            if (existing != null) {
                throw conflict(valid);
            }
            Tenant tenant = new Tenant();
            tenant.id = UUID.randomUUID();
            tenant.name = valid;
            tenant.createdAt = now();
            tenant.updatedAt = tenant.createdAt;
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

    @WithTransaction
    public Uni<Tenant> rename(UUID id, String name) {
        String valid = validName(name);
        return tenants.findById(id).map(t -> require(t, id)).chain(tenant -> tenants.findByName(valid).map(other -> {
            if (other != null && !other.id.equals(id)) {
                throw conflict(valid);
            }
            tenant.name = valid;
            tenant.updatedAt = now();
            return tenant;
        }));
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
