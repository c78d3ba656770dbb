package io.tollgate.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class UsageRepository {

    private static final String SUMS = " count(*) as requests, sum(input_tokens)::bigint as input,"
            + " sum(cached_input_tokens)::bigint as cached,"
            + " sum(output_tokens)::bigint as output, sum(total_tokens)::bigint as total, sum(images)::bigint as images,"
            + " sum(search_units)::bigint as search_units, sum(cost_micros)::bigint as cost,"
            + " count(*) filter (where unpriced) as unpriced, count(*) filter (where estimated) as estimated";
    private static final String ROLLUP_SUMS = " sum(requests)::bigint as requests, sum(input_tokens)::bigint as input,"
            + " sum(cached_input_tokens)::bigint as cached,"
            + " sum(output_tokens)::bigint as output, sum(total_tokens)::bigint as total, sum(images)::bigint as images,"
            + " sum(search_units)::bigint as search_units, sum(cost_micros)::bigint as cost,"
            + " sum(unpriced_requests)::bigint as unpriced, sum(estimated_requests)::bigint as estimated";

    private final Pool pool;

    public UsageRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Usage in [from, to), grouped; of one tenant, or of all (tenantId null). Whole UTC days are read from the daily
     * rollup, which answers in time independent of the number of raw rows; other ranges from the raw rows.
     */
    public Uni<List<UsageRow>> aggregate(UUID tenantId, Instant from, Instant to, UsageGrouping grouping) {
        String tenantFilter = tenantId == null ? "$1::uuid is null" : "tenant_id = $1";
        boolean wholeDays = midnight(from) && midnight(to);
        String sql;
        Tuple params;
        if (wholeDays) {
            sql = "select " + grouping.rollupSql + " as grp," + ROLLUP_SUMS + " from usage_daily where " + tenantFilter
                    + " and day >= $2 and day < $3 group by 1 order by 1";
            params = Tuple.of(tenantId, LocalDate.ofInstant(from, ZoneOffset.UTC), LocalDate.ofInstant(to, ZoneOffset.UTC));
        } else {
            sql = "select " + grouping.sql + " as grp," + SUMS + " from usage_event where " + tenantFilter
                    + " and created_at >= $2 and created_at < $3 group by 1 order by 1";
            params = Tuple.of(tenantId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
        }
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<UsageRow> result = new ArrayList<>(rows.size());
            for (Row row : rows) {
                result.add(new UsageRow(row.getString("grp"), row.getLong("requests"), row.getLong("input"),
                        row.getLong("cached"), row.getLong("output"), row.getLong("total"), row.getLong("images"),
                        row.getLong("search_units"),
                        row.getLong("cost"), row.getLong("unpriced"), row.getLong("estimated")));
            }
            return result;
        });
    }

    /**
     * A tenant's raw rows in [from, to), oldest first, after the row (afterTime, afterId) when given; at most
     * {@code limit}.
     */
    public Uni<List<UsageRecord>> events(UUID tenantId, Instant from, Instant to, String requestId, Instant afterTime,
            String afterId, int limit) {
        StringBuilder sql = new StringBuilder("select * from usage_event where tenant_id = $1 and created_at >= $2"
                + " and created_at < $3");
        List<Object> params = new ArrayList<>(List.of(tenantId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)));
        if (requestId != null) {
            params.add(requestId);
            sql.append(" and request_id = $").append(params.size());
        }
        if (afterTime != null) {
            params.add(afterTime.atOffset(ZoneOffset.UTC));
            params.add(afterId);
            sql.append(" and (created_at, request_id) > ($").append(params.size() - 1).append(", $")
                    .append(params.size()).append(")");
        }
        params.add(limit);
        sql.append(" order by created_at, request_id limit $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<UsageRecord> result = new ArrayList<>(rows.size());
            for (Row r : rows) {
                result.add(new UsageRecord(r.getString("request_id"), r.getUUID("tenant_id"), r.getUUID("key_id"),
                        r.getString("endpoint"), r.getString("requested_model"), r.getString("upstream_model"),
                        r.getString("upstream"), r.getInteger("status"), r.getLong("input_tokens"),
                        r.getLong("cached_input_tokens"),
                        r.getLong("output_tokens"), r.getLong("total_tokens"), r.getInteger("images"),
                        r.getInteger("search_units"), r.getBoolean("streamed"), r.getBoolean("completed"),
                        r.getInteger("latency_ms"), r.getInteger("attempts"), r.getLong("cost_micros"),
                        r.getLong("price_id"), r.getBoolean("unpriced"), r.getOffsetDateTime("created_at").toInstant(),
                        r.getBoolean("estimated")));
            }
            return result;
        });
    }

    private static boolean midnight(Instant t) {
        return t.getEpochSecond() % 86_400 == 0 && t.getNano() == 0;
    }
}
