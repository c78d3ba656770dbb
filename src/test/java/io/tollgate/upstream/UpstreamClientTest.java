package io.tollgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tollgate.support.Gateway;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Exchanges with the simulator over real sockets, opened from every event loop in turn: each must ride a connection
 * that lives on the loop of its request, or the answer's events cross between threads. And the bulkhead: upstream
 * {@code narrow} (the simulator under another name) takes one call at a time and queues one more (test config).
 */
@QuarkusTest
class UpstreamClientTest {

    static final String PATH = "/v1/chat/completions";

    @Inject
    Gateway gateway;
    @Inject
    UpstreamRegistry registry;
    @Inject
    Vertx vertx;

    @Test
    void anExchangeRidesAConnectionOfItsRequestsEventLoop() throws Exception {
        Upstream upstream = registry.defaultUpstream().orElseThrow();
        List<Context> contexts = oneContextPerEventLoop();
        assertTrue(contexts.size() >= 2, "needs two event loops or more, found " + contexts.size());
        List<String> mismatches = new ArrayList<>();
        int exchanges = 0;
        // several rounds: from the second on, every loop's request finds idle connections made by the other loops
        for (int round = 0; round < 4; round++) {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (Context context : contexts) {
                calls.add(exchangeOn(context, upstream, 0));
            }
            for (CompletableFuture<String> call : calls) {
                String mismatch = call.get(10, TimeUnit.SECONDS);
                exchanges++;
                if (mismatch != null) {
                    mismatches.add(mismatch);
                }
            }
        }
        assertEquals(4 * contexts.size(), exchanges);
        assertEquals(List.of(), mismatches);
    }

    @Test
    void theBulkheadQueuesACallAndRunsItOnItsOwnLoopWhenTheFirstEndsAndRefusesTheNext() throws Exception {
        Upstream simulator = registry.defaultUpstream().orElseThrow();
        Upstream narrow = new Upstream("narrow", simulator.baseUrl(), simulator.key(), Set.of());
        List<Context> contexts = oneContextPerEventLoop();
        assertTrue(contexts.size() >= 2, "needs two event loops or more, found " + contexts.size());
        // the first holds the only place for 2 s; the second waits in the queue, started from another loop, so it
        // is released by the first one's end on the first loop and must still be sent and answered on its own
        gateway.reset();
        CompletableFuture<String> first = exchangeOn(contexts.get(0), narrow, 2000);
        Gateway.await("the first call at the simulator", () -> gateway.simulator().count(PATH) == 1);
        CompletableFuture<Void> submitted = new CompletableFuture<>();
        CompletableFuture<String> queued = exchangeOn(contexts.get(1), narrow, 0, submitted);
        submitted.get(10, TimeUnit.SECONDS); // in the bulkhead's queue: the guard runs on the caller, without offload
        CompletableFuture<String> refused = exchangeOn(contexts.get(0), narrow, 0);

        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
        assertInstanceOf(BulkheadException.class, e.getCause());
        assertEquals(1, gateway.simulator().count(PATH), "the queued call waits while the first runs");
        assertEquals(null, first.get(10, TimeUnit.SECONDS));
        assertEquals(null, queued.get(10, TimeUnit.SECONDS));
        assertEquals(2, gateway.simulator().count(PATH), "the refused call never reached the upstream");
        // the place is free again
        assertEquals(null, exchangeOn(contexts.get(1), narrow, 0).get(10, TimeUnit.SECONDS));
    }

    /**
     * A context on each event loop. Vert.x gives a thread outside it one context for good, so each is made from a new
     * thread (the loops are handed out in turn) until every loop has one.
     */
    private List<Context> oneContextPerEventLoop() throws Exception {
        int loops = 0;
        for (var ignored : vertx.nettyEventLoopGroup()) {
            loops++;
        }
        Map<Thread, Context> byThread = new LinkedHashMap<>();
        for (int tries = 0; byThread.size() < loops && tries < 8 * loops; tries++) {
            CompletableFuture<Context> made = new CompletableFuture<>();
            Thread maker = new Thread(() -> made.complete(vertx.getOrCreateContext()));
            maker.start();
            Context context = made.get(10, TimeUnit.SECONDS);
            CompletableFuture<Thread> thread = new CompletableFuture<>();
            context.runOnContext(v -> thread.complete(Thread.currentThread()));
            byThread.putIfAbsent(thread.get(10, TimeUnit.SECONDS), context);
        }
        return new ArrayList<>(byThread.values());
    }

    /**
     * Opens one exchange on {@code context} (the simulator answering after {@code latencyMs}) and reads its answer;
     * null when its connection is on that loop and the answer came back there.
     */
    private CompletableFuture<String> exchangeOn(Context context, Upstream upstream, int latencyMs) {
        return exchangeOn(context, upstream, latencyMs, new CompletableFuture<>());
    }

    /** @param submitted completed on the loop once the call has been handed to the client */
    private CompletableFuture<String> exchangeOn(Context context, Upstream upstream, int latencyMs,
            CompletableFuture<Void> submitted) {
        CompletableFuture<String> result = new CompletableFuture<>();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Authorization", "Bearer " + upstream.key())
                .add("Content-Type", "application/json")
                .add("x-sim-latency-ms", Integer.toString(latencyMs));
        Buffer body = Buffer.buffer("{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        context.runOnContext(v -> {
            Thread requestThread = Thread.currentThread();
            gateway.upstreams().open(upstream, HttpMethod.POST, PATH, headers, body,
                    new UpstreamClient.Attempts(), "req_loop_test").subscribe().with(exchange -> {
                        // the connection's own event loop: not on Vert.x's public API, so read from its channel
                        var connection = (ConnectionBase) exchange.request().connection();
                        String mismatch = connection.channel().eventLoop().inEventLoop(requestThread)
                                ? Thread.currentThread() == requestThread ? null
                                        : "exchange delivered on " + Thread.currentThread().getName()
                                : "request on " + requestThread.getName() + ", connection on another loop";
                        exchange.response().body().onComplete(done -> {
                            exchange.finished();
                            if (done.failed()) {
                                result.completeExceptionally(done.cause());
                            } else if (exchange.response().statusCode() != 200) {
                                result.completeExceptionally(new AssertionError(
                                        "upstream answered " + exchange.response().statusCode() + ": " + done.result()));
                            } else {
                                result.complete(mismatch);
                            }
                        });
                        exchange.response().resume();
                    }, result::completeExceptionally);
            submitted.complete(null);
        });
        return result;
    }
}
