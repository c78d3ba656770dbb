package io.tollgate.tenant;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TenantRepository implements PanacheRepositoryBase<Tenant, UUID> {

    // SQL, not HQL (Panache's find/list): the first HQL query loads Hibernate's query parser, ~570 classes (4.4 MB of
    // metaspace) that stay for the life of the process, for three simple selects

    /** The tenant of that name (names are unique), or null. */
    public Uni<Tenant> findByName(String name) {
        return getSession().chain(s -> s.createNativeQuery("select * from tenant where name = :name", Tenant.class)
                .setParameter("name", name).getSingleResultOrNull());
    }

    public Uni<List<Tenant>> listAllByCreation() {
        return getSession().chain(
                s -> s.createNativeQuery("select * from tenant order by created_at, id", Tenant.class).getResultList());
    }

    /** The limits of the tenant's keys that have their own (id, JSON), to check them against new tenant limits. */
    public Uni<List<Object[]>> keyLimits(UUID tenantId) {
        return getSession().chain(s -> s.<Object[]> createNativeQuery(
                "select cast(id as text), limits from api_key where tenant_id = :t and limits is not null and revoked_at is null",
                Object[].class).setParameter("t", tenantId).getResultList());
    }

    /** Tells every replica's key cache (a KeyChangeNotice) that this tenant's keys changed. */
    public Uni<Void> notifyChanged(UUID tenantId) {
        return getSession().chain(s -> s.createNativeQuery(KeyChangeNotice.SQL)
                .setParameter("p", KeyChangeNotice.ofTenant(tenantId)).getSingleResult()).replaceWithVoid();
    }
}
