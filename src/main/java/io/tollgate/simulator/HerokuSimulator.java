package io.tollgate.simulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * A faithful offline stand-in for Heroku Managed Inference and Agents: a real HTTP server with the upstream's routes,
 * envelopes, streams and rate-limit headers, plus fault injection and a record of every request.
 * <p>
 * It runs on its own Vert.x instance, so a deliberately stalled simulator never blocks the event loops of the
 * application under test, and it uses plain Vert.x and Jackson only, so it behaves the same inside the Quarkus app, in
 * plain tests and as a standalone process ({@link SimulatorMain}).
 * <p>
 * Per-request steering headers: {@code x-sim-reply-tokens}, {@code x-sim-latency-ms}, {@code x-sim-ttft-ms},
 * {@code x-sim-chunk-delay-ms}, {@code x-sim-never-finish: true}, {@code x-sim-status}, {@code x-sim-cached-tokens}. The
 * control API lives under
 * {@code /_sim/} on the same port (see {@link ControlApi}).
 */
public final class HerokuSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HerokuSimulator.class.getName());
    private static final long START_TIMEOUT_SECONDS = 30;

    private final SimulatorOptions initial;
    private volatile SimulatorOptions options;
    private final Vertx vertx;
    private final RequestLog log = new RequestLog();
    private final FaultQueue faults = new FaultQueue();
    private final RateLimiter limiter = new RateLimiter();
    private final Map<String, Consumer<Exchange>> routes = new LinkedHashMap<>();
    private final ControlApi control = new ControlApi(this);
    private HttpServer server;
    private int port;

    private HerokuSimulator(SimulatorOptions options) {
        this.initial = options;
        this.options = options;
        // two small loops are plenty for a test upstream and leave the machine's cores to the gateway
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2));
        routes.put("POST /v1/chat/completions", new ChatCompletionsEndpoint(limiter)::handle);
        routes.put("POST /v1/embeddings", new EmbeddingsEndpoint(limiter)::handle);
        routes.put("POST /v1/images/generations", new ImagesEndpoint(limiter)::handle);
        routes.put("POST /v1/messages", new MessagesEndpoint(limiter)::handle);
        routes.put("POST /v1/agents/heroku", new AgentsEndpoint(limiter)::handle);
        routes.put("POST /v1/rerank", new RerankEndpoint(limiter)::handle);
        routes.put("GET /v1/mcp/servers", CatalogEndpoints::mcpServers);
        routes.put("GET /available-models", CatalogEndpoints::availableModels);
    }

    /** Starts a simulator and returns once it is listening. */
    public static HerokuSimulator start(SimulatorOptions options) {
        HerokuSimulator simulator = new HerokuSimulator(options);
        try {
            simulator.listen();
            return simulator;
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    /** Starts a simulator with the default options on a random port. */
    public static HerokuSimulator start() {
        return start(SimulatorOptions.defaults());
    }

    public int port() {
        return port;
    }

    /** {@code http://host:port}, without a trailing slash: the value of Heroku's {@code INFERENCE_URL}. */
    public String baseUrl() {
        String host = options.host();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    /** The first configured key. */
    public String key() {
        return options.key();
    }

    /** The options in force, including overrides since the last reset. */
    public SimulatorOptions options() {
        return options;
    }

    /**
     * Changes the options for the following requests, until {@link #reset()}; host and port cannot change. Example:
     * {@code simulator.override(o -> o.usageMode(UsageMode.NONE))}.
     */
    public void override(UnaryOperator<SimulatorOptions.Builder> change) {
        replaceOptions(change.apply(options.toBuilder()).build());
    }

    /** Queues a fault for the next matching requests. */
    public void enqueue(Fault fault) {
        faults.add(fault);
    }

    /** Faults still queued, each with the number of requests it will still affect. */
    public List<Fault> pendingFaults() {
        return faults.pending();
    }

    /** Every recorded request (at most {@link SimulatorOptions#maxRecords()}), oldest first. */
    public List<RecordedRequest> requests() {
        return log.snapshot();
    }

    /** The recorded requests to one path, oldest first. */
    public List<RecordedRequest> requests(String path) {
        return log.snapshot().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** How many requests reached this path since the last reset. */
    public int count(String path) {
        return log.count(path);
    }

    /** Requests per path since the last reset. */
    public Map<String, Integer> counts() {
        return log.counts();
    }

    /** Forgets records, queued faults and rate-limit windows, and restores the options the simulator started with. */
    public void reset() {
        faults.clear();
        limiter.clear();
        log.clear();
        options = initial;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "simulator did not close cleanly", e);
        }
    }

    void replaceOptions(SimulatorOptions next) {
        SimulatorOptions current = options;
        options = next.toBuilder().host(current.host()).port(current.port()).build();
    }

    private void listen() {
        HttpServerOptions serverOptions = new HttpServerOptions()
                .setHost(options.host())
                .setPort(options.port())
                // HTTP/1.1 only: a client cancel is then a closed connection, which the record can see
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true);
        server = vertx.createHttpServer(serverOptions).requestHandler(this::onRequest);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the simulator", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "simulator could not listen on " + options.host() + ":" + options.port(), e);
        }
        port = server.actualPort();
    }

    private void onRequest(HttpServerRequest request) {
        if (request.path().startsWith("/_sim/")) {
            control.handle(request);
            return;
        }
        request.body().onSuccess(body -> accept(request, body));
    }

    private void accept(HttpServerRequest request, Buffer body) {
        SimulatorOptions current = options;
        String text = body.toString(StandardCharsets.UTF_8);
        RequestLog.Entry entry = log.add(request.method().name(), request.path(), request.query(), headers(request),
                text, current.maxRecords());
        Fault fault = faults.take(request.path());
        Exchange exchange = new Exchange(vertx, request, text, entry, current, fault);
        String route = request.method().name() + " " + request.path();
        if (route.equals("POST /v1/messages")) {
            exchange.anthropic();
        }
        exchange.later(exchange.latencyMs(), () -> dispatch(exchange, route, fault));
    }

    private void dispatch(Exchange exchange, String route, Fault fault) {
        try {
            if (fault != null) {
                switch (fault.kind()) {
                    case STATUS -> {
                        exchange.faultStatus(fault);
                        return;
                    }
                    case HTML_403 -> {
                        exchange.html403(fault);
                        return;
                    }
                    case RESET -> {
                        exchange.resetConnection(fault);
                        return;
                    }
                    case STALL_HEADERS -> {
                        exchange.stall(fault);
                        return;
                    }
                    default -> {
                        // the stream faults shape the body of an otherwise normal answer
                    }
                }
            }
            int forced = exchange.forcedStatus();
            if (forced != 0) {
                exchange.forceStatus(forced);
                return;
            }
            Consumer<Exchange> handler = routes.get(route);
            if (handler == null) {
                throw new ApiError(404, "Not found");
            }
            handler.accept(exchange);
        } catch (ApiError e) {
            exchange.error(e.status, e.getMessage(), e.headers);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "simulator failed on " + route, e);
            exchange.error(500, "Internal server error", Map.of());
        }
    }

    private static Map<String, String> headers(HttpServerRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(header -> headers.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(),
                (first, next) -> first + ", " + next));
        return headers;
    }
}
