package io.tollgate.usage;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The raw usage rows' monthly partitions (see migration V5): the coming months' are created ahead, at startup and
 * then periodically, and those past the retention are dropped, a whole month at a time, leaving the daily rollup as
 * it is. Several replicas may do it at once: the database functions take a lock. A failure (PostgreSQL down) is
 * logged and tried again at the next check; rows never wait for it, since a month without its partition yet goes to
 * the default partition.
 */
@ApplicationScoped
public class UsagePartitions {

    private static final Logger LOG = Logger.getLogger(UsagePartitions.class);

    private final Pool pool;
    private final UsageConfig config;
    private final Vertx vertx;
    private final Clock clock;
    private long timer = -1;

    public UsagePartitions(Pool pool, UsageConfig config, Vertx vertx, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.vertx = vertx;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        if (config.retentionMonths().orElse(0) < 0 || config.partitionsAhead() < 1) {
            throw new IllegalStateException("tollgate.usage.retention-months must not be negative and "
                    + "tollgate.usage.partitions-ahead must be at least 1");
        }
        maintainInBackground();
        timer = vertx.setPeriodic(config.partitionCheckInterval().toMillis(), id -> maintainInBackground());
    }

    /** {@link #maintain()} without waiting; it logs its outcome itself. */
    private void maintainInBackground() {
        maintain().subscribe().with(dropped -> {
        }, e -> {
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Creates the partitions of this month and the next ones, then applies the retention.
     *
     * @return the partitions dropped by the retention (empty without one); fails when the database did
     */
    public Uni<List<String>> maintain() {
        LocalDate thisMonth = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
        Uni<List<String>> done = pool.preparedQuery("select tollgate_ensure_usage_partitions($1, $2)")
                .execute(Tuple.of(thisMonth, config.partitionsAhead()))
                .chain(ignored -> config.retentionMonths().map(months -> dropBefore(thisMonth.minusMonths(months)))
                        .orElseGet(() -> Uni.createFrom().item(List.of())));
        return done.invoke(dropped -> {
            if (!dropped.isEmpty()) {
                LOG.infof("Usage retention (%d months): dropped the raw rows of %s; the daily rollup keeps their sums",
                        config.retentionMonths().orElseThrow(), dropped);
            }
        }).onFailure().invoke(e -> LOG.warnf("Could not maintain the usage partitions (tried again in %s): %s",
                config.partitionCheckInterval(), e.toString()));
    }

    private Uni<List<String>> dropBefore(LocalDate keepFrom) {
        return pool.preparedQuery("select * from tollgate_drop_usage_partitions_before($1) as dropped")
                .execute(Tuple.of(keepFrom)).map(rows -> {
                    List<String> dropped = new ArrayList<>();
                    for (Row row : rows) {
                        dropped.add(row.getString("dropped"));
                    }
                    return dropped;
                });
    }
}
