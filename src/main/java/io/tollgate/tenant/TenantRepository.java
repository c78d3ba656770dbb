package io.tollgate.tenant;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    public Uni<Tenant> findByName(String name) {
        return find("name", name).firstResult();
    }

    public Uni<List<Tenant>> listAllByCreation() {
        return listAll(Sort.by("createdAt").and("id"));
    }

    /** Tells every replica's key cache (LISTEN tollgate_key_changes) that this tenant's keys changed. */
    public Uni<Void> notifyChanged(UUID tenantId) {
        return getSession().chain(s -> s.createNativeQuery("select cast(pg_notify('tollgate_key_changes', :p) as text)")
                .setParameter("p", "tenant:" + tenantId).getSingleResult()).replaceWithVoid();
    }
}
