package io.tollgate.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.tollgate.error.GatewayException;
import io.tollgate.eventloop.EventLoops;
import io.vertx.core.Vertx;

/**
 * "May they?": admits a request against its key's and tenant's limits, or refuses it with a 429. In distributed
 * mode the buckets are in PostgreSQL and every bucket operation runs on this service's own threads, never on an
 * event loop; the answer comes back on the caller's Vert.x context. A request with no limits costs nothing.
 */
@Startup
@ApplicationScoped
public class RateLimitService {

    private static final Logger LOG = Logger.getLogger(RateLimitService.class);

    private final RateLimitConfig config;
    private final BucketStore store;
    private final RateLimiter limiter;
    private final ExecutorService executor;
    private final Vertx vertx;
    private final long cleanupTimer;
    private final long returnTimer;
    private final Counter inMemory;
    private final Counter inStore;

    public RateLimitService(RateLimitConfig config, Clock clock, Instance<DataSource> dataSource, Vertx vertx,
            MeterRegistry registry) {
        if (config.localShare() < 0 || config.localShare() > 0.5) {
            throw new IllegalStateException("tollgate.rate-limit.local-share must be between 0 and 0.5");
        }
        this.config = config;
        this.vertx = vertx;
        this.inMemory = decisions(registry, "memory");
        this.inStore = decisions(registry, "store");
        ClockTimeMeter time = new ClockTimeMeter(clock);
        // longer than any bucket takes to refill completely, so evicting an idle one forgets nothing
        Duration idle = config.concurrencyLeaseTimeout().plus(Duration.ofMinutes(2));
        BucketPolicies policies = new BucketPolicies(config.burstWindow(), config.minBurst(),
                config.concurrencyLeaseTimeout());
        if (config.mode() == RateLimitConfig.Mode.DISTRIBUTED) {
            this.executor = Executors.newFixedThreadPool(config.threads(), threads());
            this.store = new PostgresBucketStore(dataSource.get(), time, config, idle);
            this.limiter = new RateLimiter(store, policies, executor);
            long interval = Math.max(1000, config.cleanupInterval().toMillis());
            this.cleanupTimer = vertx.setPeriodic(interval, id -> offLoop("Bucket cleanup", this::cleanup));
            long idleNanos = config.localShareIdle().toNanos();
            this.returnTimer = vertx.setPeriodic(Math.max(100, config.localShareIdle().toMillis()),
                    id -> offLoop("Returning held rate-limit tokens", () -> store.returnHeld(idleNanos)));
        } else {
            this.executor = null;
            this.store = new LocalBucketStore(time, idle);
            this.limiter = new RateLimiter(store, policies, Runnable::run);
            this.cleanupTimer = -1;
            this.returnTimer = -1;
        }
        LOG.infof("Rate limits: %s mode%s", config.mode().name().toLowerCase(),
                config.mode() == RateLimitConfig.Mode.DISTRIBUTED
                        ? " (PostgreSQL, " + config.optimization().name().toLowerCase() + ")"
                        : " (this instance only)");
    }

    /** Single-instance or shared through PostgreSQL. */
    public RateLimitConfig.Mode mode() {
        return config.mode();
    }

    /** The output tokens reserved when a request gives no max_tokens. */
    public long defaultMaxOutputTokens() {
        return config.defaultMaxOutputTokens();
    }

    /**
     * Admission in two steps, so the usual case needs no {@link Uni}: takes a concurrency slot, a request and a token
     * reservation from every limited scope when memory can decide (no limits, local buckets, or this replica's share
     * of the shared ones), on the caller's thread: the lease, or a 429 {@link GatewayException} thrown. Null when only
     * the bucket store can decide: then {@link #admitFromStore}. The lease must be {@linkplain Lease#finish finished}
     * however the request ends.
     */
    public Lease admitFromMemory(List<LimitScope> scopes, String model, long tokens) {
        if (unlimited(scopes)) {
            return Lease.NONE;
        }
        Lease lease;
        try {
            lease = limiter.tryAcquireWithoutBlocking(scopes, model, tokens);
        } catch (GatewayException e) {
            inMemory.increment();
            throw e;
        }
        if (lease != null) {
            inMemory.increment();
        }
        return lease;
    }

    /**
     * The bucket store's decision, for a request {@link #admitFromMemory} could not decide: the lease, or a 429. Should
     * the store fail (database unreachable), the request is admitted unlimited: limits are not worth an outage.
     */
    public Uni<Lease> admitFromStore(List<LimitScope> scopes, String model, long tokens) {
        inStore.increment();
        Uni<Lease> decided = Uni.createFrom().emitter(emitter -> {
            try {
                executor.execute(() -> {
                    try {
                        emitter.complete(limiter.acquire(scopes, model, tokens));
                    } catch (GatewayException e) {
                        emitter.fail(e);
                    } catch (RuntimeException e) {
                        LOG.warnf("Rate limit store failed; admitting without limits: %s", e.toString());
                        store.forget();
                        emitter.complete(Lease.NONE);
                    }
                });
            } catch (RejectedExecutionException e) {
                emitter.complete(Lease.NONE); // shutting down
            }
        });
        return EventLoops.backToCurrent(decided);
    }

    private static Counter decisions(MeterRegistry registry, String where) {
        return Counter.builder("tollgate.ratelimit.decisions").tag("where", where)
                .description("Rate-limit decisions made in memory (local buckets, or a replica's share of shared ones)"
                        + " or with the PostgreSQL bucket store")
                .register(registry);
    }

    private static boolean unlimited(List<LimitScope> scopes) {
        for (LimitScope scope : scopes) {
            if (scope.limits() != null && !scope.limits().isUnlimited()) {
                return false;
            }
        }
        return true;
    }

    private void cleanup() {
        int removed;
        do {
            removed = store.removeExpired();
        } while (removed >= 1000);
    }

    /** A timer's store work, on the limiter's threads; a failure is logged and the next tick tries again. */
    private void offLoop(String what, Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.debugf("%s failed: %s", what, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    @PreDestroy
    void stop() {
        if (cleanupTimer >= 0) {
            vertx.cancelTimer(cleanupTimer);
        }
        if (returnTimer >= 0) {
            vertx.cancelTimer(returnTimer);
        }
        if (executor != null) {
            executor.shutdown();
            try {
                store.returnHeld(0); // what this replica holds goes back for the others
            } catch (RuntimeException e) {
                LOG.debugf("Could not return held rate-limit tokens: %s", e.toString());
            }
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, "tollgate-ratelimit-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
