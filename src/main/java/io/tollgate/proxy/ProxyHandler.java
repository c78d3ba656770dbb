package io.tollgate.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tollgate.auth.Caller;
import io.tollgate.auth.KeyAuthenticator;
import io.tollgate.budget.BudgetService;
import io.tollgate.error.ErrorResponse;
import io.tollgate.error.ErrorType;
import io.tollgate.error.ErrorWriter;
import io.tollgate.error.GatewayException;
import io.tollgate.eventloop.EventLoops;
import io.tollgate.platform.RequestIds;
import io.tollgate.proxy.responses.ResponseEvents;
import io.tollgate.proxy.responses.ResponseObject;
import io.tollgate.proxy.responses.ResponsesInput;
import io.tollgate.ratelimit.Lease;
import io.tollgate.ratelimit.RateLimitService;
import io.tollgate.ratelimit.TokenEstimate;
import io.tollgate.upstream.Upstream;
import io.tollgate.upstream.UpstreamClient;
import io.tollgate.upstream.UpstreamExchange;
import io.tollgate.upstream.UpstreamFailures;
import io.tollgate.upstream.UpstreamMetrics;
import io.tollgate.upstream.UpstreamRegistry;
import io.tollgate.upstream.UpstreamStatusException;
import io.tollgate.upstream.UpstreamTimeoutException;
import io.tollgate.usage.PromptSize;
import io.tollgate.usage.StreamUsage;
import io.tollgate.usage.Tokens;
import io.tollgate.usage.UsageConfig;
import io.tollgate.usage.UsageEvent;
import io.tollgate.usage.UsageExtractor;
import io.tollgate.usage.UsageRecorder;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The hot path: read and check the request, find who is calling and which upstream serves the model, forward, and
 * relay the answer (streams event by event, as they arrive), then queue the usage row. Runs on the event loop and
 * never blocks.
 */
@Singleton
public class ProxyHandler {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);
    /** An SSE comment: every client's parser skips it. */
    static final String KEEPALIVE = ": keepalive\n\n";
    /** Status recorded when the client went away before its answer was complete (nginx's convention). */
    static final int CLIENT_CLOSED = 499;

    private final KeyAuthenticator authenticator;
    private final UpstreamRegistry registry;
    private final UpstreamClient client;
    private final UsageRecorder recorder;
    private final BudgetService budgets;
    private final ErrorWriter errors;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Map<String, String> aliases;
    private final Map<String, String> fallbacks;
    private final long maxBodySize;
    private final UpstreamMetrics metrics;
    private final ProxyMetrics proxyMetrics;
    private final boolean serverTiming;
    private final long streamKeepaliveMillis;
    /** {@code tollgate.proxy.answer-deadline} in force, in milliseconds; 0: none. */
    private final long answerDeadlineMillis;
    private final RateLimitService rateLimits;

    public ProxyHandler(KeyAuthenticator authenticator, UpstreamRegistry registry, UpstreamClient client,
            UsageRecorder recorder, BudgetService budgets, ErrorWriter errors, ObjectMapper mapper, Clock clock,
            ProxyConfig config, UpstreamMetrics metrics, ProxyMetrics proxyMetrics, RateLimitService rateLimits) {
        this.authenticator = authenticator;
        this.registry = registry;
        this.client = client;
        this.recorder = recorder;
        this.budgets = budgets;
        this.errors = errors;
        this.mapper = mapper;
        this.clock = clock;
        this.aliases = Map.copyOf(config.aliases());
        this.fallbacks = Map.copyOf(config.fallbacks());
        this.maxBodySize = config.maxBodySize().asLongValue();
        this.metrics = metrics;
        this.proxyMetrics = proxyMetrics;
        this.serverTiming = config.serverTiming();
        this.streamKeepaliveMillis = config.streamKeepalive().toMillis();
        Duration deadline = ProxyConfig.answerDeadline(config.answerDeadline(), System.getenv());
        this.answerDeadlineMillis = deadline == null ? 0 : deadline.toMillis();
        this.rateLimits = rateLimits;
    }

    void handle(RoutingContext ctx, Endpoint endpoint) {
        Call call = new Call(ctx, endpoint, RequestIds.of(ctx), System.nanoTime());
        HttpServerRequest request = ctx.request();
        anthropicRequestId(call, ctx.response());
        if (endpoint.method() == HttpMethod.GET) {
            authenticate(call, null); // no body to read
            return;
        }
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && parseLong(declared) > maxBodySize) {
            tooLarge(call);
            return;
        }
        Buffer body = Buffer.buffer(declared != null ? (int) Math.max(0, Math.min(parseLong(declared), 1 << 20)) : 4096);
        request.handler(chunk -> {
            if (call.rejected) {
                return;
            }
            if (body.length() + chunk.length() > maxBodySize) {
                tooLarge(call);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> call.rejected = true);
        request.endHandler(v -> {
            if (!call.rejected) {
                authenticate(call, body);
            }
        });
        request.resume();
    }

    private void tooLarge(Call call) {
        call.rejected = true;
        call.ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        fail(call, new GatewayException(413, ErrorType.INVALID_REQUEST, "request_too_large",
                "Request body is larger than " + maxBodySize + " bytes"));
    }

    /**
     * Who is calling, and may they spend: the key is resolved, then the monthly budgets are checked (429). From
     * memory when it knows both (the usual case, on this event loop at once); else either may ask the database and
     * the answer comes back on the request's event loop, where its Call lives.
     */
    private void authenticate(Call call, Buffer body) {
        KeyAuthenticator.PresentedKey key;
        Caller known;
        try {
            key = authenticator.present(presentedKey(call.ctx.request()));
            known = authenticator.fromMemory(key);
            if (known != null && !budgets.passesFromMemory(known.tenantId(), known.keyId())) {
                known = null;
            }
        } catch (GatewayException e) {
            fail(call, e);
            return;
        }
        if (known != null) {
            authenticated(call, body, known);
            return;
        }
        EventLoops.backToCurrent(authenticator.authenticate(key)
                .call(caller -> budgets.check(caller.tenantId(), caller.keyId())))
                .subscribe().with(caller -> authenticated(call, body, caller), failure -> fail(call, failure));
    }

    private void authenticated(Call call, Buffer body, Caller caller) {
        call.caller = caller;
        call.authNanos = System.nanoTime() - call.startNanos;
        try {
            if (body == null) {
                admitThenForward(call, registry.defaultUpstream().orElseThrow(() -> GatewayException.unavailable(
                        "no_upstream", "No upstream is configured")), null, null);
            } else {
                prepare(call, body);
            }
        } catch (GatewayException e) {
            fail(call, e);
        } catch (RuntimeException e) {
            log(call, Logger.Level.ERROR, e, "Request %s failed");
            fail(call, new GatewayException(500, ErrorType.API, "internal_error", "Internal error"));
        }
    }

    /** Parses and checks the body, applies the alias, and rewrites what must be rewritten for the upstream. */
    private void prepare(Call call, Buffer body) {
        JsonNode parsed;
        try {
            parsed = body.length() == 0 ? null : mapper.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new GatewayException(400, ErrorType.INVALID_REQUEST, "invalid_json", null,
                    "The request body is not valid JSON", Map.of());
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new GatewayException(400, ErrorType.INVALID_REQUEST, "invalid_json", null,
                    "The request body must be a JSON object", Map.of());
        }
        ObjectNode json = object;
        if (call.endpoint == Endpoint.RESPONSES) {
            call.responses = ResponsesInput.of(object);
            json = call.responses.chat();
        }
        JsonNode modelNode = json.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
            throw new GatewayException(400, ErrorType.INVALID_REQUEST, "missing_model", "model",
                    "You must provide a model parameter", Map.of());
        }
        String requested = modelNode.asText();
        String model = aliases.getOrDefault(requested, requested);
        call.requestedModel = requested;
        call.upstreamModel = model;
        if (!call.caller.mayUse(requested) && !call.caller.mayUse(model)) {
            throw new GatewayException(403, ErrorType.PERMISSION, "model_not_allowed", "model",
                    "This API key may not use the model '" + requested + "'", Map.of());
        }
        Upstream upstream = registry.route(model).orElseThrow(() -> new GatewayException(404,
                ErrorType.INVALID_REQUEST, "model_not_found", "model", "The model '" + requested + "' does not exist",
                Map.of()));
        boolean aliased = !model.equals(requested);
        if (aliased) {
            json.put("model", model);
        }
        boolean modified = aliased || call.responses != null;
        Endpoint endpoint = call.endpoint;
        call.streamed = endpoint.alwaysStreams || (json.path("stream").asBoolean(false) && endpoint.generates());
        if (endpoint.chatUpstream() && call.streamed && !json.path("stream_options").path("include_usage").asBoolean(false)) {
            // ask for usage so the stream can be billed; the client will not see it (StreamUsage strips it)
            JsonNode options = json.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode o ? o : json.putObject("stream_options");
            streamOptions.put("include_usage", true);
            // a Responses client sees no chat chunk, so there is nothing to strip
            call.stripUsage = endpoint == Endpoint.CHAT;
            modified = true;
        }
        if (endpoint == Endpoint.EMBEDDINGS) {
            String encoding = json.path("encoding_format").asText("");
            if (encoding.equals("float") || encoding.equals("base64")) {
                json.put("encoding_format", "raw");
                call.base64Embeddings = encoding.equals("base64");
                modified = true;
            }
        }
        if (call.streamed) {
            call.promptChars = PromptSize.chars(json);
        }
        Buffer out;
        try {
            out = modified ? Buffer.buffer(mapper.writeValueAsBytes(json)) : body;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        admitThenForward(call, upstream, out, json);
    }

    // --- rate limits: admitted (or 429) before forwarding; the lease's headers go on every answer, streams
    // included; the lease is finished once, in record(), however the request ends -------------------------------

    private void admitThenForward(Call call, Upstream upstream, Buffer body, JsonNode json) {
        Tokens estimate = TokenEstimate.split(json, call.endpoint.generates(), rateLimits.defaultMaxOutputTokens());
        call.estimate = estimate;
        long tokens = TokenEstimate.forLimits(json, estimate);
        long admitStart = System.nanoTime();
        // a 429 decided in memory is thrown to authenticated(), which answers it
        Lease now = rateLimits.admitFromMemory(call.caller.limits(), call.upstreamModel, tokens);
        if (now != null) {
            admitted(call, admitStart, now, upstream, body, json);
            return;
        }
        rateLimits.admitFromStore(call.caller.limits(), call.upstreamModel, tokens).subscribe().with(
                lease -> admitted(call, admitStart, lease, upstream, body, json), failure -> fail(call, failure));
    }

    private void admitted(Call call, long admitStart, Lease lease, Upstream upstream, Buffer body, JsonNode json) {
        call.limitsNanos = System.nanoTime() - admitStart;
        call.lease = lease;
        limitHeaders(call, call.ctx.response());
        forward(call, upstream, body, json);
    }

    /**
     * A limited caller sees tollgate's limits, set once here for every answer; no caller sees the upstream's
     * x-ratelimit-* (the shared upstream account's): {@link #copyUpstreamHeaders} leaves those out.
     */
    private static void limitHeaders(Call call, HttpServerResponse response) {
        MultiMap headers = response.headers();
        call.lease.headers().forEach(headers::set);
    }

    private static void copyUpstreamHeaders(Call call, MultiMap upstream, HttpServerResponse response) {
        HeaderPolicy.copyResponseHeaders(upstream, response.headers(), call.upstream.key());
    }

    private void forward(Call call, Upstream upstream, Buffer body, JsonNode json) {
        call.upstream = upstream;
        HttpServerRequest request = call.ctx.request();
        MultiMap headers = HeaderPolicy.upstreamRequestHeaders(request.headers(), upstream.key(),
                call.endpoint.anthropicAuth, call.requestId);
        if (body != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        HttpServerResponse response = call.ctx.response();
        response.closeHandler(v -> clientClosed(call));
        if (response.closed() && !call.done) {
            // the client left while its request was checked and admitted: nothing goes upstream, nothing is used
            call.done = true;
            call.lease.finish(0, true);
            return;
        }
        if (answerDeadlineMillis > 0 && call.deadlineTimer < 0) {
            long left = answerDeadlineMillis - (System.nanoTime() - call.startNanos) / 1_000_000;
            call.deadlineTimer = call.ctx.vertx().setTimer(Math.max(1, left), id -> answerDeadlinePassed(call));
        }
        if (call.upstreamStartNanos == 0) {
            call.upstreamStartNanos = System.nanoTime();
        }
        if (call.reservation == null && recorder.mode() == UsageConfig.Mode.RESERVED) {
            // committed while the upstream works; the answer waits for it in settle (it is nearly always done by then)
            call.reservedAt = clock.instant();
            call.reservation = recorder.reserve(new UsageEvent(call.requestId, call.caller.tenantId(),
                    call.caller.keyId(), call.endpoint.label(), call.requestedModel, call.upstreamModel,
                    upstream.name(), 0, call.estimate, call.streamed, false, 0, 1, call.reservedAt,
                    UsageEvent.Kind.RESERVATION));
        }
        client.open(upstream, call.endpoint.method(), call.endpoint.upstreamPath, headers, body, call.attempts, call.requestId)
                .subscribe().with(exchange -> {
                    stopDeadline(call);
                    call.exchange = exchange;
                    if (call.abandoned) {
                        readAbandoned(call, exchange);
                        return;
                    }
                    if (call.done) {
                        exchange.cancel();
                        return;
                    }
                    relay(call, exchange);
                }, e -> upstreamFailed(call, e, json));
    }

    private void relay(Call call, UpstreamExchange exchange) {
        HttpClientResponse upstream = exchange.response();
        int status = upstream.statusCode();
        call.status = status;
        String contentType = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        boolean eventStream = status == 200 && contentType != null && contentType.startsWith("text/event-stream");
        if (eventStream) {
            relayStream(call, exchange);
        } else {
            upstream.body().onSuccess(body -> {
                exchange.finished();
                if (call.done) {
                    settleAbandoned(call, status < 400 ? readUsage(call.endpoint, body) : null);
                    return;
                }
                writeAnswer(call, status, upstream.headers(), body);
            }).onFailure(e -> {
                exchange.finished();
                bodyFailed(call, exchange.idleTimedOut() ? new UpstreamTimeoutException(e.getMessage()) : e);
            });
            upstream.resume();
        }
        Throwable early = exchange.earlyFailure();
        if (early != null) {
            // the connection broke while the response waited for us: what it had buffered is relayed first
            // (resuming queues it on this context), then the break, unless the buffer held the end
            exchange.finished();
            if (eventStream) {
                breakAfterBuffered(call, exchange, early);
            } else {
                call.ctx.vertx().runOnContext(v -> bodyFailed(call, early));
            }
        }
    }

    /** A complete upstream answer to the client: usage counted on success, a non-JSON error wrapped. */
    private void writeAnswer(Call call, int status, MultiMap upstreamHeaders, Buffer body) {
        HttpServerResponse response = call.ctx.response();
        call.status = status;
        response.setStatusCode(status);
        copyUpstreamHeaders(call, upstreamHeaders, response);
        Buffer out = body;
        boolean success = status >= 200 && status < 300;
        Tokens tokens = Tokens.NONE;
        boolean isJson;
        if (success && (call.base64Embeddings || call.responses != null)) {
            // an answer rewritten for the client: its usage is read from the tree the rewrite needs
            JsonNode json = parseJson(body);
            isJson = json != null;
            if (isJson) {
                tokens = UsageExtractor.fromJson(call.endpoint.usage, json);
                out = Buffer.buffer(writeBytes(rewritten(call, json)));
            }
        } else {
            Tokens read = readUsage(call.endpoint, body);
            isJson = read != null;
            if (success && isJson) {
                tokens = read;
            }
        }
        if (status >= 400 && !isJson) {
            out = Buffer.buffer(errors.json(ErrorResponse.of("The upstream answered " + status
                    + " with a body that is not JSON", status >= 500 ? ErrorType.API : ErrorType.INVALID_REQUEST,
                    "upstream_error")));
            response.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        call.done = true;
        call.upstreamEndNanos = System.nanoTime();
        Buffer answer = out;
        settle(call, tokens, status < 400, () -> {
            // the head goes out with the answer: it can say how long the usage row took to be recorded
            serverTiming(call, response, System.nanoTime() - call.upstreamEndNanos);
            response.end(answer);
        });
    }

    /**
     * What the client gets of a successful answer that is not relayed as it came: a chat completion answered for the
     * Responses API, as its Response object; embeddings asked as base64, encoded so.
     */
    private JsonNode rewritten(Call call, JsonNode answer) {
        if (call.responses != null) {
            return ResponseObject.fromCompletion(call.responses.echo(), call.requestId, clock.instant().getEpochSecond(),
                    answer, call.upstreamModel);
        }
        EmbeddingEncoding.toBase64(answer);
        return answer;
    }

    private void relayStream(Call call, UpstreamExchange exchange) {
        HttpClientResponse upstream = exchange.response();
        HttpServerResponse response = call.ctx.response();
        response.setStatusCode(200);
        copyUpstreamHeaders(call, upstream.headers(), response);
        response.setChunked(true);
        response.headers().set(HttpHeaders.CACHE_CONTROL, "no-cache");
        call.upstreamEndNanos = System.nanoTime(); // headers: what the gateway waited for before relaying
        serverTiming(call, response, -1);
        StreamUsage usage = StreamUsage.of(call.endpoint.usage, call.stripUsage, call.promptChars, mapper);
        call.streamUsage = usage;
        SseEventSplitter splitter = new SseEventSplitter();
        ResponseEvents events = call.responses == null ? null
                : new ResponseEvents(mapper, call.responses.echo(), call.requestId, clock.instant().getEpochSecond(),
                        call.upstreamModel);
        call.responseEvents = events;
        if (events != null) {
            response.write(events.start());
        }
        if (streamKeepaliveMillis > 0) {
            keepAlive(call, response);
        }
        upstream.handler(chunk -> {
            if (call.done) {
                return;
            }
            exchange.activity();
            call.relayedSinceKeepalive = true;
            if (call.firstEventNanos == 0) {
                call.firstEventNanos = System.nanoTime();
                proxyMetrics.firstToken(call.upstreamModel, call.firstEventNanos - call.startNanos);
            }
            splitter.feed(chunk, event -> {
                String replacement = usage.onEvent(event.event(), event.data());
                Buffer out = events != null ? translated(events.onChunk(event.data(), usage.lastChunk()))
                        : replacement == null ? event.raw()
                                : replacement == StreamUsage.DROP ? null : reframe(event, replacement);
                if (out != null && usage.finished() && recorder.mode() != UsageConfig.Mode.ASYNC) {
                    // the end marker reaches the client only once the usage row (or its reservation) is durable
                    call.holdBack(out);
                } else if (out != null) {
                    response.write(out);
                }
            });
            if (response.writeQueueFull()) {
                upstream.pause();
                exchange.held(true);
                response.drainHandler(v -> {
                    exchange.held(false);
                    upstream.resume();
                    if (call.upstreamFailure != null) {
                        breakAfterBuffered(call, exchange, call.upstreamFailure);
                    }
                });
            }
        });
        upstream.endHandler(v -> {
            exchange.finished();
            if (call.done) {
                return;
            }
            call.done = true;
            stopKeepalive(call);
            // a Responses stream ends with its finished response, after the usage row like a chat stream's [DONE]
            Buffer rest = call.afterHeldBack(events != null ? Buffer.buffer(events.end()) : splitter.remainder());
            settle(call, usage.tokens(), usage.finished(), () -> response.end(rest));
        });
        upstream.exceptionHandler(e -> {
            exchange.finished();
            breakAfterBuffered(call, exchange,
                    exchange.idleTimedOut() ? new UpstreamTimeoutException(e.getMessage()) : e);
        });
        upstream.resume();
    }

    private static Buffer translated(String events) {
        return events.isEmpty() ? null : Buffer.buffer(events);
    }

    /**
     * While the upstream is silent, an SSE comment every {@code tollgate.proxy.stream-keepalive} (between whole
     * events: the splitter relays nothing else), so that proxies in front of tollgate do not cut an idle stream.
     */
    private void keepAlive(Call call, HttpServerResponse response) {
        Vertx vertx = call.ctx.vertx();
        call.keepaliveTimer = vertx.setPeriodic(streamKeepaliveMillis, id -> {
            if (call.done || response.ended() || response.closed()) {
                stopKeepalive(call);
                return;
            }
            if (!call.relayedSinceKeepalive && !response.writeQueueFull()) {
                response.write(Buffer.buffer(KEEPALIVE));
            }
            call.relayedSinceKeepalive = false;
        });
    }

    private static void stopKeepalive(Call call) {
        if (call.keepaliveTimer >= 0) {
            call.ctx.vertx().cancelTimer(call.keepaliveTimer);
            call.keepaliveTimer = -1;
        }
    }

    /**
     * The upstream's connection broke, but the events that arrived before the break may still wait in the response's
     * buffer (Vert.x delivers a failure at once, buffered chunks as later tasks on the same event loop): they are
     * relayed and counted first, then the stream ends with an error event. While the reader holds the response paused
     * (a slow client), the break waits for it to resume.
     */
    private void breakAfterBuffered(Call call, UpstreamExchange exchange, Throwable e) {
        call.upstreamFailure = e;
        call.ctx.vertx().runOnContext(v -> {
            if (!exchange.heldByReader()) {
                streamBroke(call, e);
            }
        });
    }

    private void streamBroke(Call call, Throwable e) {
        if (call.done) {
            return;
        }
        call.done = true;
        stopKeepalive(call);
        log(call, Logger.Level.WARN, null, "Request %s: upstream stream broke after it started: %s", e.toString());
        Buffer end = errorEvent(call, "upstream_stream_error", UpstreamFailures.isTimeout(e)
                ? "The upstream stopped sending; the stream was ended"
                : "The upstream stream broke off");
        settle(call, call.streamUsage.tokens(), false, () -> call.ctx.response().end(end));
    }

    private void clientClosed(Call call) {
        stopKeepalive(call);
        stopDeadline(call);
        if (call.done) {
            return;
        }
        call.done = true;
        call.attempts.abandon(); // the client has gone: no attempt starts for it any more
        if (call.upstream != null && call.caller != null && !call.streamed && call.streamUsage == null) {
            // A non-streamed answer the upstream is working on is billed upstream whether or not anyone reads it (it
            // is generated whole before its headers come): it is read when it comes and its usage recorded.
            call.status = CLIENT_CLOSED;
            call.abandoned = true;
            return;
        }
        // a stream's answer is cancelled when it comes
        if (call.exchange != null) {
            call.exchange.cancel();
        }
        if (call.upstream != null && call.caller != null) {
            if (call.streamUsage == null) {
                call.status = CLIENT_CLOSED;
            }
            settle(call, call.streamUsage != null ? call.streamUsage.tokens() : Tokens.NONE, false, () -> {
            });
        }
    }

    /**
     * No answer has started within {@code tollgate.proxy.answer-deadline}: the client gets a 504 of tollgate's own
     * before the platform in front cuts the request with one of its own (which SDKs would retry, each retry generating
     * the answer again). A non-streamed answer is billed upstream anyway: it is read when it comes, as when the client
     * leaves ({@link #clientClosed}), and recorded with status 504.
     */
    private void answerDeadlinePassed(Call call) {
        call.deadlineTimer = -1;
        HttpServerResponse response = call.ctx.response();
        if (call.done || response.headWritten() || response.closed()) {
            return;
        }
        call.done = true;
        call.attempts.abandon();
        call.status = 504;
        log(call, Logger.Level.WARN, null, "Request %s: no answer within the answer deadline of %d ms",
                answerDeadlineMillis);
        errors.write(response, new GatewayException(504, ErrorType.API, "answer_deadline_exceeded", null,
                "No answer within " + answerDeadlineMillis / 1000.0 + " s, the longest the platform in front of this"
                        + " gateway waits for one; ask for long generations as a stream (\"stream\": true)",
                Map.of("x-should-retry", "false")));
        if (!call.streamed && call.streamUsage == null) {
            call.abandoned = true;
        } else {
            settle(call, Tokens.NONE, false, () -> {
            });
        }
    }

    private static void stopDeadline(Call call) {
        if (call.deadlineTimer >= 0) {
            call.ctx.vertx().cancelTimer(call.deadlineTimer);
            call.deadlineTimer = -1;
        }
    }

    /** The answer of a request whose client left (see {@link #clientClosed}): read, its usage recorded. */
    private void readAbandoned(Call call, UpstreamExchange exchange) {
        HttpClientResponse upstream = exchange.response();
        int status = upstream.statusCode();
        String contentType = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.startsWith("text/event-stream")) {
            exchange.cancel();
            settleAbandoned(call, null);
            return;
        }
        upstream.body().onComplete(read -> {
            exchange.finished();
            settleAbandoned(call, read.succeeded() && status < 400 ? readUsage(call.endpoint, read.result()) : null);
        });
        upstream.resume();
    }

    /** Records the row of a request whose client left before its answer; {@code tokens} null when not known. */
    private void settleAbandoned(Call call, Tokens tokens) {
        if (!call.abandoned) {
            return;
        }
        call.abandoned = false;
        call.usageReadAfterClose = tokens != null;
        settle(call, tokens != null ? tokens : Tokens.NONE, false, () -> {
        });
    }

    private void upstreamFailed(Call call, Throwable e, JsonNode json) {
        stopDeadline(call);
        if (call.done) {
            settleAbandoned(call, null);
            return;
        }
        String fallback = fallbacks.get(call.upstreamModel);
        if (fallback != null && !call.fellBack && json instanceof ObjectNode body) {
            Upstream other = registry.route(fallback).orElse(null);
            if (other != null) {
                log(call, Logger.Level.INFO, null, "Request %s: model %s failed (%s); falling back to %s",
                        call.upstreamModel, describe(e), fallback);
                metrics.fellBack(call.upstreamModel, fallback);
                call.fellBack = true;
                call.upstreamModel = fallback;
                body.put("model", fallback);
                forward(call, other, Buffer.buffer(writeBytes(body)), body);
                return;
            }
        }
        if (e instanceof UpstreamStatusException answer) {
            log(call, Logger.Level.INFO, null, "Request %s: upstream %s answered %d after %d attempt(s)",
                    call.upstream.name(), answer.status(), call.attempts.count());
            writeAnswer(call, answer.status(), answer.headers(), answer.body());
            return;
        }
        GatewayException error;
        if (e instanceof CircuitBreakerOpenException) {
            long seconds = Math.max(1, (client.policy(call.upstream).breakerDelay().toMillis() + 999) / 1000);
            error = new GatewayException(503, ErrorType.API, "upstream_unavailable", null,
                    "The upstream is failing; tollgate stopped calling it for a while", Map.of("Retry-After",
                            String.valueOf(seconds)));
        } else if (e instanceof BulkheadException) {
            error = new GatewayException(503, ErrorType.API, "upstream_busy", null,
                    "Too many calls to this upstream at once", Map.of("Retry-After", "1"));
        } else if (UpstreamFailures.isTimeout(e)) {
            error = new GatewayException(504, ErrorType.API, "upstream_timeout", "The upstream did not answer in time");
        } else {
            error = new GatewayException(502, ErrorType.API, "upstream_unreachable",
                    "The upstream could not be reached or closed the connection");
        }
        // while the breaker is open, its refusals are what it is for: their cause was logged as a WARN when it opened
        // (and when it closes), they are counted in tollgate_requests_total, and at an outage's rate a line each would
        // flood the log
        log(call, e instanceof CircuitBreakerOpenException ? Logger.Level.DEBUG : Logger.Level.WARN, null,
                "Request %s: upstream %s failed after %d attempt(s): %s", call.upstream.name(), call.attempts.count(),
                describe(e));
        call.status = error.status();
        call.done = true;
        settle(call, Tokens.NONE, false, () -> errors.write(call.ctx.response(), error));
    }

    /** The body of a non-streamed answer broke off: nothing reached the client yet, so it gets a 502 or 504. */
    private void bodyFailed(Call call, Throwable e) {
        if (call.done) {
            settleAbandoned(call, null);
            return;
        }
        GatewayException error = UpstreamFailures.isTimeout(e)
                ? new GatewayException(504, ErrorType.API, "upstream_timeout", "The upstream did not answer in time")
                : new GatewayException(502, ErrorType.API, "upstream_unreachable", "The upstream closed the connection");
        log(call, Logger.Level.WARN, null, "Request %s: upstream %s body failed: %s", call.upstream.name(), describe(e));
        call.status = error.status();
        call.done = true;
        settle(call, Tokens.NONE, false, () -> errors.write(call.ctx.response(), error));
    }

    private static String describe(Throwable e) {
        return e instanceof UpstreamStatusException s ? "status " + s.status() : e.getClass().getSimpleName();
    }

    private void fail(Call call, Throwable failure) {
        call.done = true;
        if (failure instanceof GatewayException e) {
            proxyMetrics.rejected(e.status(), e.code());
            errors.write(call.ctx.response(), e);
        } else {
            log(call, Logger.Level.ERROR, failure, "Request %s failed");
            errors.write(call.ctx.response(), new GatewayException(500, ErrorType.API, "internal_error", "Internal error"));
        }
    }

    /**
     * {@code Server-Timing}: what the client waited for until the answer's head, split into the key check, the rate
     * limits, the upstream's part and the gateway's own (which includes the first two), and for a complete answer the
     * wait for its usage row.
     *
     * @param recordNanos how long the usage row took to be recorded before the answer could go (durable mode waits
     *        for its commit), or negative when the head leaves before it (streams)
     */
    private void serverTiming(Call call, HttpServerResponse response, long recordNanos) {
        if (!serverTiming) {
            return;
        }
        long end = call.upstreamEndNanos;
        long upstream = call.upstreamStartNanos == 0 ? 0 : end - call.upstreamStartNanos;
        long gateway = (end - call.startNanos) - upstream;
        String timing = "auth;dur=" + millis(call.authNanos) + ", limits;dur=" + millis(call.limitsNanos)
                + ", upstream;dur=" + millis(upstream) + ", gateway;dur=" + millis(gateway);
        response.putHeader("Server-Timing", recordNanos < 0 ? timing : timing + ", usage;dur=" + millis(recordNanos));
    }

    private static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1000;
        long fraction = micros % 1000;
        // String.format cost ~4 % of the hot path's CPU samples (three calls per request)
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /**
     * Records the usage row, then completes the response with {@code finish}: in durable mode only once the row is
     * durable. If the ledger can take the row nowhere, the client gets an error instead of an answer that would go
     * unbilled.
     */
    private void settle(Call call, Tokens tokens, boolean completed, Runnable finish) {
        io.vertx.core.Future<Void> recorded = record(call, tokens, completed);
        if (call.reservation != null) {
            // reserved mode: the row itself is written after the answer; its reservation must be durable before
            if (!call.reservation.isComplete()) {
                // the upstream answered within the reservations' window: no waiting for the window's end
                recorder.hasten();
            }
            recorded = recorded.compose(v -> call.reservation);
        }
        recorded.onComplete(written -> {
            answer(call, written, finish);
            // the client's whole wait but the upstream's part: in durable mode the row's commit is tollgate's too
            proxyMetrics.overhead(System.nanoTime() - call.startNanos - call.upstreamNanos);
        });
    }

    /**
     * Logs about one request: {@code format}'s first {@code %s} is the request's id, which the record also carries as
     * a field of its own ({@link RequestIds#logging}).
     */
    private static void log(Call call, Logger.Level level, Throwable cause, String format, Object... params) {
        Object[] withId = new Object[params.length + 1];
        withId[0] = call.requestId;
        System.arraycopy(params, 0, withId, 1, params.length);
        RequestIds.logging(call.requestId, () -> LOG.logf(level, cause, format, withId));
    }

    private void answer(Call call, AsyncResult<Void> written, Runnable finish) {
        if (written.succeeded()) {
            finish.run();
            return;
        }
        log(call, Logger.Level.ERROR, null, "Request %s: usage row not durable, answer withheld: %s", written.cause());
        HttpServerResponse response = call.ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.end(errorEvent(call, "usage_ledger_unavailable", "The usage ledger is unavailable"));
        } else {
            // the upstream's headers were copied for the answer that is withheld; the client keeps its request id
            response.headers().clear();
            response.putHeader(RequestIds.HEADER, call.requestId);
            anthropicRequestId(call, response);
            errors.write(response, GatewayException.unavailable("usage_ledger_unavailable",
                    "The usage ledger is unavailable; retry shortly"));
        }
    }

    /** Anthropic SDKs read the request id from request-id (OpenAI's from x-request-id): the same id in both. */
    private static void anthropicRequestId(Call call, HttpServerResponse response) {
        if (call.endpoint.anthropicAuth) {
            response.putHeader(RequestIds.ANTHROPIC_HEADER, call.requestId);
        }
    }

    private io.vertx.core.Future<Void> record(Call call, Tokens tokens, boolean completed) {
        call.lease.finish(tokens.input() + tokens.output(), call.status != CLIENT_CLOSED || call.usageReadAfterClose);
        long now = System.nanoTime();
        call.upstreamNanos = call.upstreamStartNanos == 0 ? 0
                : (call.streamUsage != null ? now : call.upstreamEndNanos == 0 ? now : call.upstreamEndNanos)
                        - call.upstreamStartNanos;
        proxyMetrics.completed(call.caller.tenantId().toString(), call.upstreamModel, call.endpoint, call.status,
                call.upstreamNanos, tokens.input(), tokens.output());
        return recorder.record(new UsageEvent(call.requestId, call.caller.tenantId(), call.caller.keyId(),
                call.endpoint.label(), call.requestedModel, call.upstreamModel, call.upstream.name(), call.status,
                tokens, call.streamed || call.streamUsage != null, completed,
                (int) ((System.nanoTime() - call.startNanos) / 1_000_000), Math.max(1, call.attempts.count()),
                // reserved mode: the reservation's time, so that the row meets an estimate booked for it before
                call.reservedAt != null ? call.reservedAt : clock.instant()));
    }

    /** {@code Authorization: Bearer <key>} (OpenAI SDKs) or {@code x-api-key: <key>} (Anthropic SDKs). */
    static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String apiKey = request.getHeader("x-api-key");
        return apiKey == null ? null : apiKey.strip();
    }

    private Buffer reframe(SseEvent event, String data) {
        String framed = (event.event() != null ? "event: " + event.event() + "\n" : "") + "data: " + data + "\n\n";
        return Buffer.buffer(framed);
    }

    /** The error event a broken stream ends with, in the stream's own framing (Anthropic's and agents' named). */
    private Buffer errorEvent(Call call, String code, String message) {
        if (call.responseEvents != null) {
            return Buffer.buffer(call.responseEvents.error(code, message));
        }
        Endpoint endpoint = call.endpoint;
        String body = errors.json(ErrorResponse.of(message, ErrorType.API, code));
        boolean named = endpoint == Endpoint.MESSAGES || endpoint == Endpoint.AGENTS;
        return Buffer.buffer((named ? "event: error\n" : "") + "data: " + body + "\n\n");
    }

    private JsonNode parseJson(Buffer body) {
        if (!mayBeJson(body)) {
            return null;
        }
        try {
            return mapper.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The usage in an answer, read without building the whole answer as a tree; null when it is not JSON. */
    private Tokens readUsage(Endpoint endpoint, Buffer body) {
        if (!mayBeJson(body)) {
            return null;
        }
        try (JsonParser parser = mapper.createParser(body.getBytes())) {
            return UsageExtractor.read(endpoint.usage, parser);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static boolean mayBeJson(Buffer body) {
        if (body.length() == 0) {
            return false;
        }
        byte first = body.getByte(0);
        return first == '{' || first == '[' || first == ' ' || first == '\n';
    }

    private byte[] writeBytes(JsonNode json) {
        try {
            return mapper.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The state of one client request, confined to its event loop. */
    private static final class Call {
        final RoutingContext ctx;
        final Endpoint endpoint;
        final String requestId;
        final long startNanos;
        Caller caller;
        Lease lease = Lease.NONE;
        Upstream upstream;
        UpstreamExchange exchange;
        StreamUsage streamUsage;
        /** A Responses API request: its translation, and for a stream the events' translator. */
        ResponsesInput responses;
        ResponseEvents responseEvents;
        String requestedModel;
        String upstreamModel;
        int status;
        boolean streamed;
        boolean stripUsage;
        boolean base64Embeddings;
        long promptChars;
        boolean rejected;
        boolean done;
        boolean fellBack;
        /** The client left before a non-streamed answer; its row waits for the upstream's (see clientClosed). */
        boolean abandoned;
        boolean usageReadAfterClose;
        final UpstreamClient.Attempts attempts = new UpstreamClient.Attempts();
        long authNanos;
        long limitsNanos;
        long upstreamStartNanos;
        long upstreamEndNanos;
        /** The upstream's part of the request, as the metrics count it; set when the usage row is recorded. */
        long upstreamNanos;
        long firstEventNanos;
        /** The upstream stream's break, waiting for the events buffered before it to be relayed. */
        Throwable upstreamFailure;
        /** The answer deadline's timer, -1 when none or no longer needed. */
        long deadlineTimer = -1;
        /** The stream's keep-alive timer, -1 when none; and whether an event went out since its last tick. */
        long keepaliveTimer = -1;
        boolean relayedSinceKeepalive;
        /** The rate limiter's estimate of the request (what a reservation books). */
        Tokens estimate = Tokens.NONE;
        /** Reserved mode: the reservation's write, and its time; null before the request goes upstream. */
        io.vertx.core.Future<Void> reservation;
        java.time.Instant reservedAt;
        /** Durable mode: a stream's end marker, sent once the usage row is durable; null until there is one. */
        Buffer heldBack;

        Call(RoutingContext ctx, Endpoint endpoint, String requestId, long startNanos) {
            this.ctx = ctx;
            this.endpoint = endpoint;
            this.requestId = requestId;
            this.startNanos = startNanos;
        }

        void holdBack(Buffer out) {
            if (heldBack == null) {
                heldBack = Buffer.buffer(out.length());
            }
            heldBack.appendBuffer(out);
        }

        /** What is held back, then {@code rest}. */
        Buffer afterHeldBack(Buffer rest) {
            return heldBack == null ? rest : heldBack.appendBuffer(rest);
        }
    }
}
