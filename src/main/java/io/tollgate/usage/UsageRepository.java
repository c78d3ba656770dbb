package io.tollgate.usage;

import java.time.Instant;
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

    private final Pool pool;

    public UsageRepository(Pool pool) {
        this.pool = pool;
    }

    /** A tenant's usage in [from, to), grouped. */
    public Uni<List<UsageRow>> aggregate(UUID tenantId, Instant from, Instant to, UsageGrouping grouping) {
        String sql = "select " + grouping.sql + " as grp, count(*) as requests, sum(input_tokens)::bigint as input,"
                + " sum(output_tokens)::bigint as output, sum(total_tokens)::bigint as total, sum(images)::bigint as images,"
                + " sum(search_units)::bigint as search_units"
                + " from usage_event where tenant_id = $1 and created_at >= $2 and created_at < $3"
                + " group by 1 order by 1";
        return pool.preparedQuery(sql)
                .execute(Tuple.of(tenantId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    List<UsageRow> result = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        result.add(new UsageRow(row.getString("grp"), row.getLong("requests"), row.getLong("input"),
                                row.getLong("output"), row.getLong("total"), row.getLong("images"),
                                row.getLong("search_units")));
                    }
                    return result;
                });
    }
}
