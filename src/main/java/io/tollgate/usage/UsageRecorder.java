package io.tollgate.usage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The usage ledger's writer. Rows are keyed by tollgate's request id and inserted with {@code on conflict do
 * nothing}, so a row written twice (a retried batch, a replayed spool) counts once; the same statement prices each
 * row from the price book and adds it to the {@code usage_daily} rollup.
 * <p>
 * {@code durable} mode: {@link #record} answers once the row is committed in PostgreSQL or fsync'd in the local
 * {@link UsageSpool}; rows that arrive while a write is in flight share the next write (group commit), and when
 * rows come much faster than writes end the next write waits a little to gather more ({@link GroupCommit}).
 * {@code async} mode: {@link #record} answers at once and rows are written every flush interval. {@code reserved}
 * mode: {@link #reserve} answers once a reservation is durable in {@code usage_reservation} (or the spool): the
 * reservations of a short window share a write, which {@link #hasten} starts at once when an answer waits for it;
 * {@link #record} answers at once, and the exact row rides along with the next write,
 * whose statement deletes the reservation; reservations no exact row replaced in time are booked as estimates
 * ({@link #sweepReservations}). In every mode a batch PostgreSQL cannot take goes to the spool, and the spool is
 * replayed when PostgreSQL answers again.
 */
@ApplicationScoped
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);
    static final String INSERT = """
            with input as (
                select * from unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                                     $8::int[], $9::int8[], $10::int8[], $11::int8[], $12::int[], $13::int[], $14::bool[],
                                     $15::bool[], $16::int[], $17::int[], $18::timestamptz[], $19::int8[], $20::text[])
                    as u(request_id, tenant_id, key_id, endpoint, requested_model, upstream_model, upstream, status,
                         input_tokens, output_tokens, total_tokens, images, search_units, streamed, completed,
                         latency_ms, attempts, created_at, cached_input_tokens, kind)
            ), reserved as (
                insert into usage_reservation (request_id, created_at, tenant_id, key_id, endpoint, requested_model,
                                               upstream_model, upstream, input_tokens, output_tokens, streamed)
                select r.request_id, r.created_at, r.tenant_id, r.key_id, r.endpoint, r.requested_model,
                       r.upstream_model, r.upstream, r.input_tokens, r.output_tokens, r.streamed
                  from input r
                 where r.kind = 'RESERVATION'
                   -- a spool replays a reservation after its own row when both were spooled: nothing to reserve then
                   and not exists (select 1 from input f where f.request_id = r.request_id and f.kind <> 'RESERVATION')
                   and not exists (select 1 from usage_event e
                                    where e.request_id = r.request_id and e.created_at = r.created_at)
                on conflict (request_id) do nothing
                returning 1
            ), settled as (
                -- an array, so that the generic plan looks each id up in the index: as a join it scanned the table,
                -- dead rows and all (2.5 ms a write after 3,000 writes of 26 reservations, against 0.05)
                delete from usage_reservation
                 where request_id = any (array(select f.request_id from input f where f.kind <> 'RESERVATION'))
                returning 1
            ), priced as (
                select i.*, p.id as price_id,
                       coalesce(round(((i.input_tokens - i.cached_input_tokens)::numeric * p.input_per_mtok_micros
                                       + i.cached_input_tokens::numeric
                                         * coalesce(p.cached_input_per_mtok_micros, p.input_per_mtok_micros)
                                       + i.output_tokens::numeric * p.output_per_mtok_micros) / 1000000
                                      + i.images::numeric * p.per_image_micros
                                      + i.search_units::numeric * p.per_search_unit_micros)::bigint, 0) as cost_micros,
                       p.id is null and (i.input_tokens > 0 or i.output_tokens > 0 or i.images > 0
                                         or i.search_units > 0) as unpriced
                  from input i
                  left join lateral (select * from model_price m
                                      where m.model = i.upstream_model and m.effective_from <= i.created_at
                                      order by m.effective_from desc limit 1) p on true
                 where i.kind <> 'RESERVATION'
            ), inserted as (
                insert into usage_event (request_id, tenant_id, key_id, endpoint, requested_model, upstream_model,
                                         upstream, status, input_tokens, output_tokens, total_tokens, images,
                                         search_units, streamed, completed, latency_ms, attempts, created_at, price_id,
                                         cost_micros, unpriced, cached_input_tokens, estimated)
                select request_id, tenant_id, key_id, endpoint, requested_model, upstream_model, upstream, status,
                       input_tokens, output_tokens, total_tokens, images, search_units, streamed, completed, latency_ms,
                       attempts, created_at, price_id, cost_micros, unpriced, cached_input_tokens, kind = 'ESTIMATE'
                  from priced
                on conflict (request_id, created_at) do nothing
                returning tenant_id, key_id, created_at, upstream_model, requested_model, input_tokens,
                          cached_input_tokens, output_tokens, total_tokens, images, search_units, cost_micros, unpriced,
                          estimated
            ), rolled as (
                insert into usage_daily as d (tenant_id, day, key_id, model, requests, input_tokens, cached_input_tokens,
                                              output_tokens, total_tokens, images, search_units, cost_micros,
                                              unpriced_requests, estimated_requests)
                select tenant_id, (created_at at time zone 'UTC')::date, key_id,
                       coalesce(upstream_model, requested_model, ''), count(*), sum(input_tokens),
                       sum(cached_input_tokens), sum(output_tokens), sum(total_tokens), sum(images), sum(search_units),
                       sum(cost_micros), count(*) filter (where unpriced), count(*) filter (where estimated)
                  from inserted
                 group by 1, 2, 3, 4
                 order by 1, 2, 3, 4
                on conflict (tenant_id, day, key_id, model) do update set
                    requests = d.requests + excluded.requests,
                    input_tokens = d.input_tokens + excluded.input_tokens,
                    cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens,
                    output_tokens = d.output_tokens + excluded.output_tokens,
                    total_tokens = d.total_tokens + excluded.total_tokens,
                    images = d.images + excluded.images,
                    search_units = d.search_units + excluded.search_units,
                    cost_micros = d.cost_micros + excluded.cost_micros,
                    unpriced_requests = d.unpriced_requests + excluded.unpriced_requests,
                    estimated_requests = d.estimated_requests + excluded.estimated_requests
                returning 1
            )
            select count(*) as inserted from inserted""";

    /** Reservations no exact row replaced in time, oldest first. */
    static final String EXPIRED = """
            select request_id, created_at, tenant_id, key_id, endpoint, requested_model, upstream_model, upstream,
                   input_tokens, output_tokens, streamed
              from usage_reservation where created_at < $1 order by created_at limit $2""";

    private final Pool pool;
    private final UsageConfig config;
    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ConcurrentLinkedDeque<Pending> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Reserved mode: rows are due now (an answer waits for its reservation, or the window passed). */
    private volatile boolean due;
    /** Reserved mode: a timer is set to write the reservations of the current window. */
    private final AtomicBoolean windowSet = new AtomicBoolean();
    private final AtomicBoolean replaying = new AtomicBoolean();
    /** The connection the ledger writes on (see {@link #ledgerConnection}); null until needed or after a failure. */
    private final AtomicReference<Uni<SqlConnection>> ledgerConnection = new AtomicReference<>();
    /** Every spool operation runs here: file I/O off the event loop, and one writer for the spool. */
    private final ExecutorService spoolThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tollgate-usage-spool");
        t.setDaemon(true);
        return t;
    });
    private UsageSpool spool;
    /** PostgreSQL refused a batch: later batches go straight to the spool until a replay finds it back. */
    private volatile boolean degraded;
    private volatile Instant degradedSince;
    private volatile boolean stopped;
    private final GroupCommit groupCommit;
    private DistributionSummary rowsPerWrite;
    private Counter groupCommitWaits;
    private Counter failedRows;
    private long flushTimer = -1;
    private long replayTimer = -1;
    private long sweepTimer = -1;
    private Counter estimatedRows;

    public UsageRecorder(Pool pool, UsageConfig config, Vertx vertx, ObjectMapper mapper, Clock clock,
            MeterRegistry registry) {
        this.pool = pool;
        this.config = config;
        this.vertx = vertx;
        this.mapper = mapper;
        this.clock = clock;
        this.registry = registry;
        this.groupCommit = new GroupCommit(config.groupCommitWait());
    }

    void start(@Observes StartupEvent event) {
        spool = new UsageSpool(Path.of(config.spoolDir()), mapper);
        if (spool.rows() > 0) {
            LOG.infof("Usage spool holds %d rows from an earlier run; replaying them when PostgreSQL answers",
                    spool.rows());
        }
        Gauge.builder("tollgate.usage.spool.rows", this, r -> r.spool == null ? 0 : r.spool.rows())
                .description("Usage rows in the local spool, waiting for PostgreSQL").register(registry);
        Gauge.builder("tollgate.usage.spool.bytes", this, r -> r.spool == null ? 0 : r.spool.bytes())
                .description("Size of the local usage spool").baseUnit("bytes").register(registry);
        Gauge.builder("tollgate.usage.queued.rows", queued, AtomicInteger::get)
                .description("Usage rows in memory, not yet written anywhere").register(registry);
        Gauge.builder("tollgate.usage.ledger.lag", this, r -> r.lag().toMillis() / 1000.0)
                .description("Age of the oldest usage row not yet in PostgreSQL").baseUnit("seconds")
                .register(registry);
        Gauge.builder("tollgate.usage.ledger.degraded", this, r -> r.degraded ? 1 : 0)
                .description("1 while usage rows go to the local spool because PostgreSQL cannot take them")
                .register(registry);
        rowsPerWrite = DistributionSummary.builder("tollgate.usage.ledger.write.rows")
                .description("Usage rows in each write of the ledger (to PostgreSQL or to the spool)")
                .register(registry);
        groupCommitWaits = Counter.builder("tollgate.usage.ledger.group.commit.waits")
                .description("Durable writes that waited tollgate.usage.group-commit-wait to gather more rows")
                .register(registry);
        failedRows = Counter.builder("tollgate.usage.ledger.failed.rows")
                .description("Usage rows of writes that reached neither PostgreSQL nor the spool (durable: their"
                        + " answers withheld with 503; async: kept in memory and tried again, each try counted)")
                .register(registry);
        estimatedRows = Counter.builder("tollgate.usage.ledger.estimated.rows")
                .description("Reservations booked as estimated usage rows because no exact row replaced them within"
                        + " tollgate.usage.reservation-timeout (the replica that served them died first)")
                .register(registry);
        flushTimer = vertx.setPeriodic(config.flushInterval().toMillis(), id -> kick());
        // in every mode: reservations left by an earlier run in reserved mode are booked all the same
        sweepTimer = vertx.setPeriodic(config.reservationSweepInterval().toMillis(),
                id -> sweepReservations().subscribe().with(n -> {
                }, e -> LOG.debugf("Usage reservations not swept: %s", e.toString())));
        replayTimer = vertx.setPeriodic(config.replayInterval().toMillis(), id -> replay());
    }

    /**
     * Records a row. The future completes when the row is durable (durable mode) or at once (async mode); it fails
     * only when the row could be written neither to PostgreSQL nor to the spool. Callbacks run on the caller's
     * Vert.x context.
     */
    public Future<Void> record(UsageEvent event) {
        if (config.mode() != UsageConfig.Mode.DURABLE) {
            // reserved mode: the row's reservation is durable already; the row rides along with the next write
            queue.addLast(new Pending(event, null, null));
            if (queued.incrementAndGet() >= config.batchSize()) {
                kick();
            }
            return Future.succeededFuture();
        }
        Future<Void> durable = awaited(event);
        kick();
        return durable;
    }

    /**
     * Reserved mode: records a request's reservation ({@link UsageEvent.Kind#RESERVATION}: the rate limiter's estimate
     * of it, stamped with the time its exact row will carry). The future completes when the reservation is durable,
     * written with the others of {@code tollgate.usage.reservation-wait} or sooner when {@link #hasten} is called, and
     * fails only when it could be written neither to PostgreSQL nor to the spool.
     */
    public Future<Void> reserve(UsageEvent reservation) {
        Future<Void> durable = awaited(reservation);
        long window = config.reservationWait().toMillis();
        if (window <= 0) {
            hasten();
        } else if (windowSet.compareAndSet(false, true)) {
            // reservations of the next few milliseconds share one write, unless an answer needs its own sooner
            vertx.setTimer(window, id -> {
                windowSet.set(false);
                hasten();
            });
        }
        return durable;
    }

    /** Queues a row someone waits for: its future completes on the caller's context once the row is durable. */
    private Future<Void> awaited(UsageEvent event) {
        Promise<Void> promise = Promise.promise();
        queue.addLast(new Pending(event, promise, Vertx.currentContext()));
        queued.incrementAndGet();
        return promise.future();
    }

    /** Reserved mode: an answer waits for its reservation (or the window passed): what is queued is written now. */
    public void hasten() {
        due = true;
        kick();
    }

    /** Rows not yet in the database (in memory or in the spool). */
    public long pending() {
        return queued.get() + (spool == null ? 0 : spool.rows());
    }

    /** The running mean of rows arriving while a durable write is in flight, which the group commit goes by. */
    double arrivingPerWrite() {
        return groupCommit.arrivingPerWrite();
    }

    /** Rows in the local spool. */
    public long spooled() {
        return spool == null ? 0 : spool.rows();
    }

    /** True while rows go to the spool because PostgreSQL cannot take them. */
    public boolean degraded() {
        return degraded;
    }

    public UsageConfig.Mode mode() {
        return config.mode();
    }

    /** Age of the oldest row not yet in PostgreSQL; zero when there is none. */
    public Duration lag() {
        Instant oldest = null;
        Pending head = queue.peekFirst();
        if (head != null) {
            oldest = head.event.createdAt();
        }
        Instant spooled = spool == null ? null : spool.oldest();
        if (spooled != null && (oldest == null || spooled.isBefore(oldest))) {
            oldest = spooled;
        }
        return oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant()).abs();
    }

    /** Starts a write of the queued rows unless one is in flight (that one starts the next when it ends). */
    private void kick() {
        if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
            return;
        }
        due = false;
        List<Pending> batch = new ArrayList<>(Math.min(queued.get(), config.batchSize()));
        Pending p;
        while (batch.size() < config.batchSize() && (p = queue.pollFirst()) != null) {
            batch.add(p);
        }
        if (!queue.isEmpty()) {
            // more than a batch: what is left may be due too
            due = true;
        }
        queued.addAndGet(-batch.size());
        if (batch.isEmpty()) {
            writing.set(false);
            return;
        }
        Uni<Void> write = degraded ? toSpool(batch)
                : insert(events(batch)).replaceWithVoid()
                        .ifNoItem().after(config.writeTimeout()).fail()
                        .onFailure().recoverWithUni(failure -> {
                            degrade(failure);
                            // written twice if PostgreSQL did commit after all: the replay's insert skips it
                            return toSpool(batch);
                        });
        rowsPerWrite.record(batch.size());
        write.subscribe().with(ok -> {
            complete(batch, null);
            next();
        }, failure -> {
            LOG.errorf("Usage rows could be written neither to PostgreSQL nor to the spool: %s", failure.toString());
            failedRows.increment(batch.size());
            if (stopped) {
                requeue(batch);
            } else {
                // a row someone waits for fails (durable: its answer is withheld), the others are tried again
                complete(batch, failure);
                requeue(batch.stream().filter(row -> row.promise == null).toList());
            }
            next();
        });
    }

    /** A write ended: the next starts now, or after the group commit's wait while rows come much faster. */
    private void next() {
        // durable: every queued row has an answer waiting; reserved: when due; async: when a batch is full
        boolean hurry = config.mode() == UsageConfig.Mode.DURABLE || due;
        if (hurry) {
            // what is queued now arrived while the write was in flight (kick took everything before it, up to a batch)
            long wait = groupCommit.afterWrite(queued.get());
            if (wait > 0 && !stopped && !queue.isEmpty()) {
                // the write slot stays taken meanwhile: rows recorded during the wait join this next write
                groupCommitWaits.increment();
                vertx.timer(wait, TimeUnit.NANOSECONDS).onComplete(t -> {
                    writing.set(false);
                    kick();
                });
                return;
            }
        }
        writing.set(false);
        if (!queue.isEmpty() && (hurry || queued.get() >= config.batchSize())) {
            kick();
        }
    }

    private void requeue(List<Pending> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.get(i));
        }
        queued.addAndGet(batch.size());
    }

    private Uni<Void> toSpool(List<Pending> batch) {
        List<UsageEvent> events = events(batch);
        return Uni.createFrom().completionStage(() -> java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                spool.append(events);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, spoolThread));
    }

    private void degrade(Throwable failure) {
        if (!degraded) {
            degradedSince = clock.instant();
            degraded = true;
            LOG.warnf("PostgreSQL cannot take usage rows (%s); spooling them to %s until it answers again",
                    failure.toString(), config.spoolDir());
        }
    }

    /** Completes each row's promise on its request's context: one task per context, not one per row. */
    private static void complete(List<Pending> batch, Throwable failure) {
        Map<Context, List<Promise<Void>>> byContext = new IdentityHashMap<>(4);
        for (Pending p : batch) {
            if (p.promise == null) {
                continue;
            }
            if (p.context == null) {
                settle(p.promise, failure);
            } else {
                byContext.computeIfAbsent(p.context, c -> new ArrayList<>()).add(p.promise);
            }
        }
        byContext.forEach((context, promises) -> context.runOnContext(v -> {
            for (Promise<Void> promise : promises) {
                settle(promise, failure);
            }
        }));
    }

    private static void settle(Promise<Void> promise, Throwable failure) {
        if (failure == null) {
            promise.tryComplete();
        } else {
            promise.tryFail(failure);
        }
    }

    /**
     * Replays the spool into PostgreSQL when there is something to replay and PostgreSQL answers; clears the
     * degraded state once everything written while it was down is in PostgreSQL.
     */
    Uni<Void> replayNow() {
        if (!replaying.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return pool.query("select 1").execute().ifNoItem().after(config.writeTimeout()).fail()
                .chain(ok -> replaySegments())
                .chain(() -> {
                    if (degraded) {
                        degraded = false;
                        LOG.infof("PostgreSQL takes usage rows again (spooled since %s)", degradedSince);
                    }
                    // what was appended before the state changed is in the segment being written: close it, replay it
                    return onSpoolThread(() -> {
                        spool.rotate();
                        return null;
                    }).chain(this::replaySegments);
                })
                .onFailure().invoke(e -> LOG.debugf("Usage spool not replayed yet: %s", e.toString()))
                .eventually(() -> replaying.set(false));
    }

    /**
     * Books the reservations older than {@code tollgate.usage.reservation-timeout} as estimated rows, a batch at a
     * time; answers how many rows it booked. The insert deletes each reservation in the statement that books it, and
     * a row is keyed as its exact row would be: replicas sweeping at once, or an exact row coming late, count once.
     */
    Uni<Long> sweepReservations() {
        if (stopped) {
            return Uni.createFrom().item(0L);
        }
        OffsetDateTime before = clock.instant().minus(config.reservationTimeout()).atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(EXPIRED).execute(Tuple.of(before, config.batchSize())).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(0L);
            }
            List<UsageEvent> estimates = new ArrayList<>(rows.size());
            for (Row r : rows) {
                estimates.add(new UsageEvent(r.getString("request_id"), r.getUUID("tenant_id"), r.getUUID("key_id"),
                        r.getString("endpoint"), r.getString("requested_model"), r.getString("upstream_model"),
                        r.getString("upstream"), 0, Tokens.of(r.getLong("input_tokens"), r.getLong("output_tokens")),
                        r.getBoolean("streamed"), false, 0, 1, r.getOffsetDateTime("created_at").toInstant(),
                        UsageEvent.Kind.ESTIMATE));
            }
            return insert(estimates).invoke(booked -> {
                if (booked == 0) {
                    return;
                }
                estimatedRows.increment(booked);
                LOG.warnf("Booked %d usage reservations older than %s as estimated rows (no exact row came: the"
                        + " replica that served them stopped before writing them)", booked,
                        config.reservationTimeout());
            }).chain(booked -> rows.size() < config.batchSize() ? Uni.createFrom().item(booked)
                    : sweepReservations().map(more -> booked + more));
        });
    }

    private void replay() {
        if (spool == null) {
            return;
        }
        // segments left by a process that shared the spool directory and is gone
        spoolThread.execute(() -> {
            try {
                spool.adoptOrphans();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Usage spool orphans not adopted: %s", e.toString());
            }
        });
        if (degraded || spool.rows() > 0) {
            replayNow().subscribe().with(x -> {
            }, e -> {
            });
        }
    }

    private Uni<Void> replaySegments() {
        return onSpoolThread(spool::segments).chain(segments -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Path segment : segments) {
                chain = chain.chain(() -> onSpoolThread(() -> spool.read(segment))
                        .chain(events -> insertAll(events)
                                .chain(() -> onSpoolThread(() -> {
                                    spool.delete(segment, events.size());
                                    return null;
                                }))
                                .invoke(() -> LOG.infof("Replayed %d spooled usage rows from %s", events.size(),
                                        segment.getFileName()))))
                        .replaceWithVoid();
            }
            return chain;
        });
    }

    private Uni<Void> insertAll(List<UsageEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < events.size(); from += config.batchSize()) {
            List<UsageEvent> part = events.subList(from, Math.min(events.size(), from + config.batchSize()));
            chain = chain.chain(() -> insert(part).replaceWithVoid());
        }
        return chain;
    }

    private <T> Uni<T> onSpoolThread(IoCall<T> call) {
        return Uni.createFrom().completionStage(() -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return call.run();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, spoolThread));
    }

    /** Inserts the rows; answers how many were new. */
    private Uni<Long> insert(List<UsageEvent> events) {
        Tuple rows = toTuple(events);
        Uni<SqlConnection> connection = ledgerConnection();
        return connection.chain(c -> c.preparedQuery(INSERT).execute(rows))
                .map(result -> result.iterator().next().getLong("inserted"))
                .onFailure().invoke(e -> forgetLedgerConnection(connection));
    }

    /**
     * The ledger's own connection from the pool, held while it works. Its session plans the insert once, generically
     * ({@code plan_cache_mode = force_generic_plan}): left to choose, PostgreSQL plans this statement again for every
     * batch (a custom plan of the CTE over the partitioned table costs about as much as running it), which doubled
     * the time a durable answer waits for its row. Only this session: the report queries keep their custom plans.
     * After a failure (or when the server closes it) the next batch takes a new connection.
     */
    private Uni<SqlConnection> ledgerConnection() {
        Uni<SqlConnection> held = ledgerConnection.get();
        if (held != null) {
            return held;
        }
        AtomicReference<Uni<SqlConnection>> self = new AtomicReference<>();
        Uni<SqlConnection> opening = pool.getConnection()
                .call(c -> c.query("set plan_cache_mode = force_generic_plan").execute()
                        .onFailure().call(e -> c.close()))
                .invoke(c -> c.closeHandler(() -> ledgerConnection.compareAndSet(self.get(), null)))
                .memoize().indefinitely();
        self.set(opening);
        return ledgerConnection.compareAndSet(null, opening) ? opening : ledgerConnection();
    }

    private void forgetLedgerConnection(Uni<SqlConnection> connection) {
        if (ledgerConnection.compareAndSet(connection, null)) {
            connection.subscribe().with(c -> c.closeAndForget(), e -> {
                // it never opened: nothing to close
            });
        }
    }

    /** Runs {@code sql} on the ledger's connection (tests: what its session sees). */
    Uni<RowSet<Row>> onLedgerConnection(String sql, Tuple params) {
        return ledgerConnection().chain(c -> c.preparedQuery(sql).execute(params));
    }

    /**
     * Writes everything queued, then replays the spool; for tests. Fails if PostgreSQL cannot take it (the rows are
     * then in the spool).
     */
    public Uni<Void> flushAll() {
        return Uni.createFrom().deferred(() -> {
            if (!queue.isEmpty() || writing.get()) {
                kick();
                return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5)).chain(this::flushAll);
            }
            if (spool != null && (spool.rows() > 0 || degraded)) {
                return replayNow().chain(() -> spool.rows() > 0 || degraded
                        ? Uni.createFrom().failure(new IllegalStateException("usage spool not replayed yet"))
                        : Uni.createFrom().voidItem());
            }
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * SIGTERM: the HTTP server has drained, so no row is added any more. What is queued goes to PostgreSQL, or to
     * the spool if PostgreSQL does not take it in time; the spool is replayed by the next start.
     */
    void stop(@Observes ShutdownEvent event) {
        cancelTimers();
        if (spool == null) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((!queue.isEmpty() || writing.get()) && System.nanoTime() < deadline) {
            kick();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Pending> rest = new ArrayList<>(queue);
        queue.clear();
        try {
            spoolThread.submit(() -> {
                if (!rest.isEmpty()) {
                    spool.append(events(rest));
                }
                spool.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.errorf("Shutting down with %d usage rows not written: %s", rest.size(), e.toString());
        }
        spoolThread.shutdown();
        Uni<SqlConnection> held = ledgerConnection.get();
        if (held != null) {
            forgetLedgerConnection(held);
        }
        if (spool.rows() > 0) {
            LOG.warnf("Shutting down with %d usage rows in the spool %s; the next start replays them", spool.rows(),
                    config.spoolDir());
        }
    }

    private void cancelTimers() {
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
            flushTimer = -1;
        }
        if (replayTimer >= 0) {
            vertx.cancelTimer(replayTimer);
            replayTimer = -1;
        }
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
            sweepTimer = -1;
        }
    }

    private static List<UsageEvent> events(List<Pending> batch) {
        List<UsageEvent> events = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            events.add(p.event);
        }
        return events;
    }

    static Tuple toTuple(List<UsageEvent> batch) {
        int n = batch.size();
        String[] requestIds = new String[n];
        UUID[] tenants = new UUID[n];
        UUID[] keys = new UUID[n];
        String[] endpoints = new String[n];
        String[] requested = new String[n];
        String[] upstreamModels = new String[n];
        String[] upstreams = new String[n];
        Integer[] statuses = new Integer[n];
        Long[] input = new Long[n];
        Long[] output = new Long[n];
        Long[] total = new Long[n];
        Integer[] images = new Integer[n];
        Integer[] searchUnits = new Integer[n];
        Boolean[] streamed = new Boolean[n];
        Boolean[] completed = new Boolean[n];
        Integer[] latency = new Integer[n];
        Integer[] attempts = new Integer[n];
        OffsetDateTime[] created = new OffsetDateTime[n];
        Long[] cached = new Long[n];
        String[] kinds = new String[n];
        for (int i = 0; i < n; i++) {
            UsageEvent e = batch.get(i);
            requestIds[i] = e.requestId();
            tenants[i] = e.tenantId();
            keys[i] = e.keyId();
            endpoints[i] = e.endpoint();
            requested[i] = e.requestedModel();
            upstreamModels[i] = e.upstreamModel();
            upstreams[i] = e.upstream();
            statuses[i] = e.status();
            input[i] = e.tokens().input();
            output[i] = e.tokens().output();
            total[i] = e.tokens().total();
            images[i] = e.tokens().images();
            searchUnits[i] = e.tokens().searchUnits();
            streamed[i] = e.streamed();
            completed[i] = e.completed();
            latency[i] = e.latencyMs();
            attempts[i] = e.attempts();
            created[i] = e.createdAt().atOffset(ZoneOffset.UTC);
            cached[i] = e.tokens().cachedInput();
            kinds[i] = e.kind().name();
        }
        return Tuple.tuple(List.of(requestIds, tenants, keys, endpoints, requested, upstreamModels, upstreams, statuses,
                input, output, total, images, searchUnits, streamed, completed, latency, attempts, created, cached,
                kinds));
    }

    /** A row waiting to be written, and who waits for it (durable mode). */
    private record Pending(UsageEvent event, Promise<Void> promise, Context context) {
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException;
    }
}
