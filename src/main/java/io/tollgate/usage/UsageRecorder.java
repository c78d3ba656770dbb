package io.tollgate.usage;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes usage rows off the response path: rows are queued and written in batches, one insert for many requests.
 * A failed batch goes back to the head of the queue and is retried; the insert is idempotent on the request id, so
 * a retried batch never counts a row twice.
 */
@ApplicationScoped
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);
    private static final String INSERT = """
            insert into usage_event (request_id, tenant_id, key_id, endpoint, requested_model, upstream_model, upstream,
                                     status, input_tokens, output_tokens, total_tokens, images, search_units, streamed,
                                     completed, latency_ms, attempts, created_at)
            select * from unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                                 $8::int[], $9::int8[], $10::int8[], $11::int8[], $12::int[], $13::int[], $14::bool[],
                                 $15::bool[], $16::int[], $17::int[], $18::timestamptz[])
            on conflict (request_id) do nothing""";

    private final Pool pool;
    private final UsageConfig config;
    private final Vertx vertx;
    private final ConcurrentLinkedDeque<UsageEvent> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private long timer = -1;

    public UsageRecorder(Pool pool, UsageConfig config, Vertx vertx) {
        this.pool = pool;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.flushInterval().toMillis(), id -> drain());
    }

    /**
     * One batch per tick capped the rate at batch-size / flush-interval (5,000 rows/s by default), below what one
     * instance serves on two cores: past it the queue only grew. A full batch is followed by the next at once.
     */
    private void drain() {
        flush().subscribe().with(written -> {
            if (written >= config.batchSize()) {
                drain();
            }
        }, e -> {
        });
    }

    public void record(UsageEvent event) {
        queue.addLast(event);
        queued.incrementAndGet();
    }

    /** Rows not yet in the database. */
    public int pending() {
        return queued.get();
    }

    /** Writes one batch (if none is being written); fails if the database refused it. */
    public Uni<Integer> flush() {
        if (queue.isEmpty() || !flushing.compareAndSet(false, true)) {
            return Uni.createFrom().item(0);
        }
        List<UsageEvent> batch = new ArrayList<>(Math.min(queued.get(), config.batchSize()));
        UsageEvent e;
        while (batch.size() < config.batchSize() && (e = queue.pollFirst()) != null) {
            batch.add(e);
        }
        return pool.preparedQuery(INSERT).execute(toTuple(batch))
                .map(rows -> {
                    queued.addAndGet(-batch.size());
                    return batch.size();
                })
                .onFailure().invoke(failure -> {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        queue.addFirst(batch.get(i));
                    }
                    int n = queued.get();
                    if (n >= config.warnQueued()) {
                        LOG.warnf("Usage rows waiting for the database: %d (%s)", n, failure.toString());
                    } else {
                        LOG.debugf("Usage batch not written, will retry: %s", failure.toString());
                    }
                })
                .eventually(() -> flushing.set(false));
    }

    /** Writes everything queued; for shutdown and for tests. Fails if the database refuses a batch. */
    public Uni<Void> flushAll() {
        return Uni.createFrom().deferred(() -> {
            if (pending() == 0) {
                return Uni.createFrom().voidItem();
            }
            // 0 written: another flush holds the batch; wait for it
            return flush().chain(n -> n == 0
                    ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5))
                    : Uni.createFrom().voidItem())
                    .chain(this::flushAll);
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            flushAll().await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.errorf("Shutting down with %d usage rows not written: %s", pending(), e.toString());
        }
    }

    @PreDestroy
    void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private static Tuple toTuple(List<UsageEvent> batch) {
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
        }
        return Tuple.tuple(List.of(requestIds, tenants, keys, endpoints, requested, upstreamModels, upstreams, statuses,
                input, output, total, images, searchUnits, streamed, completed, latency, attempts, created));
    }
}
