package io.tollgate.budget;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class BudgetRepository {

    private final Pool pool;

    public BudgetRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Map<UUID, Budget>> find(List<UUID> subjects) {
        return pool
                .preparedQuery("select subject_id, monthly_usd_micros, monthly_tokens, soft_limit_percent from budget"
                        + " where subject_id = any($1)")
                .execute(Tuple.of(subjects.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, Budget> found = new HashMap<>();
                    for (Row r : rows) {
                        found.put(r.getUUID("subject_id"),
                                new Budget(r.getLong("monthly_usd_micros"), r.getLong("monthly_tokens"),
                                        r.getInteger("soft_limit_percent")));
                    }
                    return found;
                });
    }

    /** Sets (or with an empty budget removes) the budget of a tenant or key; false when there is no such subject. */
    public Uni<Boolean> save(UUID subject, String kind, Budget budget) {
        if (budget.none()) {
            return pool.preparedQuery("delete from budget where subject_id = $1").execute(Tuple.of(subject))
                    .chain(() -> exists(subject, kind));
        }
        String tenantOf = kind.equals("tenant") ? "select id from tenant where id = $1"
                : "select tenant_id from api_key where id = $1";
        return pool.preparedQuery("insert into budget (subject_id, tenant_id, kind, monthly_usd_micros, monthly_tokens,"
                + " soft_limit_percent) select $1, t.id, $2, $3, $4, $5 from (" + tenantOf + ") as t(id)"
                + " on conflict (subject_id) do update set monthly_usd_micros = excluded.monthly_usd_micros,"
                + " monthly_tokens = excluded.monthly_tokens, soft_limit_percent = excluded.soft_limit_percent,"
                + " updated_at = now()")
                .execute(Tuple.of(subject, kind, budget.monthlyUsdMicros(), budget.monthlyTokens(),
                        budget.softLimitPercent()))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The key's tenant, or null when there is no such key. */
    public Uni<UUID> tenantOfKey(UUID keyId) {
        return pool.preparedQuery("select tenant_id from api_key where id = $1").execute(Tuple.of(keyId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("tenant_id"));
    }

    private Uni<Boolean> exists(UUID subject, String kind) {
        return pool
                .preparedQuery(
                        kind.equals("tenant") ? "select 1 from tenant where id = $1" : "select 1 from api_key where id = $1")
                .execute(Tuple.of(subject)).map(rows -> rows.size() > 0);
    }

    /** A tenant's (keyId null) or a key's spend in [from, to) days, from the rollup. */
    public Uni<Spend> spend(UUID tenantId, UUID keyId, LocalDate from, LocalDate to) {
        String sql = "select coalesce(sum(cost_micros), 0)::bigint as usd, coalesce(sum(total_tokens), 0)::bigint as tokens"
                + " from usage_daily where tenant_id = $1 and day >= $2 and day < $3"
                + (keyId == null ? "" : " and key_id = $4");
        Tuple params = keyId == null ? Tuple.of(tenantId, from, to) : Tuple.of(tenantId, from, to, keyId);
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            Row r = rows.iterator().next();
            return new Spend(r.getLong("usd"), r.getLong("tokens"));
        });
    }
}
