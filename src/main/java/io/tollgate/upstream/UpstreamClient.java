package io.tollgate.upstream;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.jboss.logging.Logger;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.tollgate.eventloop.EventLoops;
import io.tollgate.platform.RequestIds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Opens exchanges with an upstream, guarded by SmallRye Fault Tolerance: retries with backoff (or the upstream's
 * Retry-After) within a time budget, a circuit breaker and a bulkhead per upstream. The guarded call ends when the
 * response's status and headers have arrived; its body is read by the caller as it arrives, so nothing is retried
 * once a byte has gone to the client.
 */
@Startup // its settings are checked before the first request: a bad one stops the start
@ApplicationScoped
public class UpstreamClient {

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class);
    private static final TypeLiteral<Uni<UpstreamExchange>> EXCHANGE = new TypeLiteral<>() {
    };

    private final Vertx vertx;
    private final EventExecutor[] loops;
    private final HttpClient[] loopClients;
    private final HttpClient offLoopClient;
    private final UpstreamPolicyConfig config;
    private final UpstreamMetrics metrics;
    private final Clock clock;
    private final Map<String, Guarded> guards = new ConcurrentHashMap<>();

    private record Guarded(UpstreamPolicy policy, TypedGuard<Uni<UpstreamExchange>> guard) {
    }

    /** What happened to one request's exchange: how many attempts it took. */
    public static final class Attempts {
        private int count;
        private volatile boolean abandoned;

        public int count() {
            return count;
        }

        /** The client has left: no attempt starts any more (the one under way, if any, runs to its end). */
        public void abandon() {
            abandoned = true;
        }
    }

    public UpstreamClient(Vertx vertx, UpstreamPolicyConfig config, UpstreamMetrics metrics, Clock clock) {
        UpstreamPolicy.validate(config);
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) config.connectTimeout().toMillis());
        // One client per event loop, each used only from its loop, so that its connections live on that loop: a
        // shared pool hands a request whichever idle connection it finds, and when that connection's loop is not the
        // request's, every write and every event of the answer crosses between the two threads' task queues. The
        // connection limit is split between the loops; callers off the loops get a client of their own.
        List<EventExecutor> executors = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(executors::add);
        this.loops = executors.toArray(EventExecutor[]::new);
        int perLoop = Math.max(1, (config.maxConnectionsPerUpstream() + loops.length - 1) / loops.length);
        this.loopClients = new HttpClient[loops.length];
        for (int i = 0; i < loops.length; i++) {
            loopClients[i] = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(perLoop));
        }
        this.offLoopClient = vertx.createHttpClient(options,
                new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerUpstream()));
    }

    /**
     * @return the open exchange (a 2xx, or a client-fault 4xx to pass through); fails with
     *         {@link UpstreamStatusException} when retries ended on a retryable status, with the breaker's or the
     *         bulkhead's exception when they refused, or with the connection's failure
     */
    public Uni<UpstreamExchange> open(Upstream upstream, HttpMethod method, String path, MultiMap headers, Buffer body,
            Attempts attempts, String requestId) {
        Guarded guarded = guards.computeIfAbsent(upstream.name(), name -> guard(upstream));
        Context context = Vertx.currentContext();
        long deadline = System.nanoTime() + guarded.policy().retryBudget().toNanos();
        Uni<UpstreamExchange> exchange = guarded.guard().get(() -> Uni.createFrom().deferred(() -> {
            if (attempts.abandoned) {
                // neither retried nor counted by the breaker (UpstreamFailures): the upstream did nothing wrong
                return Uni.createFrom().failure(new UpstreamAbandonedException());
            }
            int attempt = ++attempts.count;
            if (attempt > 1) {
                metrics.retried(upstream.name());
                RequestIds.logging(requestId,
                        () -> LOG.infof("Request %s: attempt %d to upstream %s", requestId, attempt, upstream.name()));
            }
            return attempt(context, upstream, guarded.policy(), method, path, headers, body, deadline);
        }));
        // retries are scheduled on a timer thread: come back to the request's event loop. Already on it, the caller
        // sets its handlers at once: a hop would let an upstream that sends its body and closes in the same read
        // (a short or cut stream) deliver the close before there is a handler for it, and the answer never ends.
        return EventLoops.backToCurrent(exchange);
    }

    /** The breaker's state for an upstream (CLOSED when it has not been used yet). */
    public CircuitBreakerState breakerState(String upstream) {
        return guards.containsKey(upstream) ? CircuitBreakerMaintenance.get().currentState(breakerName(upstream))
                : CircuitBreakerState.CLOSED;
    }

    /** Closes every breaker, as after a restart. For tests and operators. */
    public void resetBreakers() {
        guards.keySet().forEach(name -> CircuitBreakerMaintenance.get().reset(breakerName(name)));
    }

    public UpstreamPolicy policy(Upstream upstream) {
        return UpstreamPolicy.of(config, upstream.name());
    }

    private Uni<UpstreamExchange> attempt(Context context, Upstream upstream, UpstreamPolicy policy, HttpMethod method,
            String path, MultiMap headers, Buffer body, long deadline) {
        RequestOptions options = upstream.requestOptions(path)
                .setMethod(method)
                .setHeaders(headers)
                .setConnectTimeout(policy.connectTimeout().toMillis());
        // The first-byte timeout is a timer of its own, not the connection's idle timeout: when it fires, the reset
        // it causes can surface as "connection closed", which would be retried like a reset; a stall never is.
        boolean[] timedOut = { false };
        Future<UpstreamExchange> future = onContext(context, () -> client().request(options)).compose(request -> {
            long timer = vertx.setTimer(policy.firstByteTimeout().toMillis(), id -> {
                timedOut[0] = true;
                LOG.debugf("Upstream %s: no first byte within %s, resetting", upstream.name(), policy.firstByteTimeout());
                request.reset(0, new UpstreamTimeoutException(policy.firstByteTimeout()));
            });
            return (body == null ? request.send() : request.send(body)).compose(response -> {
                vertx.cancelTimer(timer);
                int status = response.statusCode();
                if (!UpstreamFailures.retryableStatus(status)) {
                    // the caller reads the body after a hop back to its event loop: hold it until then
                    response.pause();
                    return Future.succeededFuture(new UpstreamExchange(vertx, request, response, policy.idleTimeout()));
                }
                return response.body().compose(errorBody -> {
                    long retryAfter = UpstreamFailures.retryAfterMillis(response.getHeader("Retry-After"), clock);
                    boolean fits = retryAfter < 0 || System.nanoTime() + retryAfter * 1_000_000 < deadline;
                    return Future.failedFuture(new UpstreamStatusException(status,
                            MultiMap.caseInsensitiveMultiMap().addAll(response.headers()), errorBody, retryAfter, fits));
                });
            }, e -> {
                vertx.cancelTimer(timer);
                LOG.debugf("Upstream %s: exchange failed (timed out: %s): %s", upstream.name(), timedOut[0], e);
                return Future.failedFuture(timedOut[0] ? new UpstreamTimeoutException(policy.firstByteTimeout()) : e);
            });
        });
        return Uni.createFrom().completionStage(future.toCompletionStage());
    }

    /**
     * Runs {@code action} on {@code context} (the request's event loop). The exchange's request belongs to the context
     * it is created on, and its response delivers every event there: chunks, end and failures in the order they
     * happened. A retry is started from a timer thread; created there, the request would belong to another event
     * loop, its handlers would run beside the request's own, and what it buffered could not be ordered against them.
     */
    private static <T> Future<T> onContext(Context context, Supplier<Future<T>> action) {
        if (context == null || Vertx.currentContext() == context) {
            return action.get();
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }

    /** The client of the event loop this runs on; off the loops, the shared one. */
    private HttpClient client() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return loopClients[i];
            }
        }
        return offLoopClient;
    }

    private Guarded guard(Upstream upstream) {
        UpstreamPolicy policy = policy(upstream);
        String name = upstream.name();
        metrics.guarded(name);
        long budget = Math.max(policy.retryBudget().toMillis(), policy.backoffInitial().toMillis() + 1);
        TypedGuard<Uni<UpstreamExchange>> guard = TypedGuard.create(EXCHANGE)
                .withDescription("upstream " + name)
                // run the first attempt in the caller's task: offloaded, it became a task of its own queued on the
                // same event loop (one more hop, and a wait behind the loop's other work, on every request); retries
                // still wait on the timer and come back to the event loop, and attempt() creates each request on
                // the request's own loop wherever it starts
                .withThreadOffload(false)
                .withRetry()
                .maxRetries(Math.max(0, policy.maxAttempts() - 1))
                .delay(policy.backoffInitial().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(budget, ChronoUnit.MILLIS)
                .whenException(UpstreamFailures::retryable)
                .beforeRetry(
                        e -> LOG.debugf("Upstream %s: retrying after %s: %s", name, e.getClass().getName(), e.getMessage()))
                .withCustomBackoff()
                .strategy(() -> new RetryAfterBackoff(policy.backoffInitial().toMillis(), policy.backoffMax().toMillis()))
                .done()
                .done()
                .withCircuitBreaker()
                .name(breakerName(name))
                .requestVolumeThreshold(policy.breakerRequestVolume())
                .failureRatio(policy.breakerFailureRatio())
                .delay(policy.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(UpstreamFailures::countsAgainstBreaker)
                .onStateChange(state -> {
                    LOG.warnf("Upstream %s: circuit breaker %s", name, state);
                    metrics.breakerState(name, state);
                })
                .done()
                .withBulkhead()
                .limit(policy.bulkheadLimit())
                .queueSize(policy.bulkheadQueue())
                .done()
                .build();
        return new Guarded(policy, guard);
    }

    private static String breakerName(String upstream) {
        return "tollgate-upstream-" + upstream;
    }

    @PreDestroy
    void close() {
        for (HttpClient client : loopClients) {
            client.close();
        }
        offLoopClient.close();
    }
}
