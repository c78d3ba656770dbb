package io.tollgate.apikey;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.tollgate.tenant.KeyChangeNotice;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    // SQL, not HQL: see TenantRepository
    public Uni<List<ApiKey>> listByTenant(UUID tenantId) {
        return getSession().chain(s -> s.createNativeQuery(
                "select * from api_key where tenant_id = :tenantId order by created_at, id", ApiKey.class)
                .setParameter("tenantId", tenantId).getResultList());
    }

    public Uni<Void> insertSecret(UUID keyId, byte[] hash, OffsetDateTime createdAt) {
        return getSession().chain(s -> s.createNativeQuery(
                "insert into api_key_secret (hash, key_id, created_at) values (:hash, :keyId, :createdAt)")
                .setParameter("hash", hash).setParameter("keyId", keyId).setParameter("createdAt", createdAt)
                .executeUpdate()).replaceWithVoid();
    }

    /** Ends the still-valid secrets of a key at {@code until} (a rotation's grace period). */
    public Uni<Integer> expireSecrets(UUID keyId, OffsetDateTime until) {
        return getSession().chain(s -> s.createNativeQuery(
                "update api_key_secret set expires_at = :until where key_id = :keyId and (expires_at is null or expires_at > :until)")
                .setParameter("until", until).setParameter("keyId", keyId).executeUpdate());
    }

    /** Tells every replica's key cache (a KeyChangeNotice) that this key changed. */
    public Uni<Void> notifyChanged(UUID keyId) {
        return getSession().chain(s -> s.createNativeQuery(KeyChangeNotice.SQL)
                .setParameter("p", KeyChangeNotice.ofKey(keyId)).getSingleResult()).replaceWithVoid();
    }
}
