package io.tollgate.price;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class PriceRepository {

    private static final String COLUMNS = "id, model, effective_from, input_per_mtok_micros, cached_input_per_mtok_micros,"
            + " output_per_mtok_micros, per_image_micros, per_search_unit_micros, created_at";

    private final Pool pool;

    public PriceRepository(Pool pool) {
        this.pool = pool;
    }

    /** Every version, or one model's; by model, newest first. */
    public Uni<List<Price>> list(String model) {
        return (model == null
                ? pool.query("select " + COLUMNS + " from model_price order by model, effective_from desc").execute()
                : pool.preparedQuery("select " + COLUMNS + " from model_price where model = $1 order by effective_from desc")
                        .execute(Tuple.of(model)))
                .map(PriceRepository::toPrices);
    }

    /** @return the new version, or null when the model already has a version from that instant */
    public Uni<Price> insert(Price p) {
        return pool.preparedQuery("insert into model_price (model, effective_from, input_per_mtok_micros,"
                + " cached_input_per_mtok_micros, output_per_mtok_micros, per_image_micros, per_search_unit_micros)"
                + " values ($1, $2, $3, $4, $5, $6, $7) on conflict (model, effective_from) do nothing returning " + COLUMNS)
                .execute(Tuple.from(new Object[] { p.model(), p.effectiveFrom().atOffset(ZoneOffset.UTC),
                        p.inputPerMTokMicros(), p.cachedInputPerMTokMicros(), p.outputPerMTokMicros(), p.perImageMicros(),
                        p.perSearchUnitMicros() }))
                .map(rows -> rows.size() == 0 ? null : toPrices(rows).get(0));
    }

    private static List<Price> toPrices(RowSet<Row> rows) {
        List<Price> prices = new ArrayList<>(rows.size());
        for (Row r : rows) {
            prices.add(new Price(r.getLong("id"), r.getString("model"), r.getOffsetDateTime("effective_from").toInstant(),
                    r.getLong("input_per_mtok_micros"), r.getLong("cached_input_per_mtok_micros"),
                    r.getLong("output_per_mtok_micros"), r.getLong("per_image_micros"),
                    r.getLong("per_search_unit_micros"), r.getOffsetDateTime("created_at").toInstant()));
        }
        return prices;
    }
}
