package io.tollgate.auth;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.tollgate.ratelimit.LimitScope;
import io.tollgate.ratelimit.LimitsConverter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The one query of the hot path: a key's hash to its caller, straight on the reactive pool. */
@ApplicationScoped
public class CallerRepository {

    private static final String SQL = """
            select k.id, k.tenant_id, k.models, k.expires_at, k.revoked_at, s.expires_at as secret_expires_at,
                   t.disabled_at, k.limits, k.limits_version, t.limits as tenant_limits,
                   t.limits_version as tenant_limits_version
              from api_key_secret s
              join api_key k on k.id = s.key_id
              join tenant t on t.id = k.tenant_id
             where s.hash = $1""";

    private final Pool pool;

    public CallerRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Caller> findByHash(byte[] hash) {
        return pool.preparedQuery(SQL).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
                .map(CallerRepository::toCaller);
    }

    private static Caller toCaller(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Caller.UNKNOWN;
        }
        Row row = rows.iterator().next();
        UUID keyId = row.getUUID("id");
        UUID tenantId = row.getUUID("tenant_id");
        String[] models = row.getArrayOfStrings("models");
        Instant expiresAt = earliest(row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("secret_expires_at"));
        Caller.State state = row.getOffsetDateTime("revoked_at") != null
                ? Caller.State.REVOKED
                : row.getOffsetDateTime("disabled_at") != null ? Caller.State.TENANT_DISABLED : Caller.State.ACTIVE;
        List<LimitScope> limits = List.of(
                LimitScope.key(keyId, LimitsConverter.fromJson(row.getString("limits")), row.getLong("limits_version")),
                LimitScope.tenant(tenantId, LimitsConverter.fromJson(row.getString("tenant_limits")),
                        row.getLong("tenant_limits_version")));
        return new Caller(keyId, tenantId, models == null ? null : Set.of(models), expiresAt, state, limits);
    }

    private static Instant earliest(OffsetDateTime a, OffsetDateTime b) {
        if (a == null) {
            return b == null ? null : b.toInstant();
        }
        if (b == null) {
            return a.toInstant();
        }
        return a.isBefore(b) ? a.toInstant() : b.toInstant();
    }
}
