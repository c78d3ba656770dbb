package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.tollgate.simulator.Fault;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.support.Gateway;
import io.tollgate.support.LogCapture;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Retries, Retry-After, the circuit breaker and fallbacks against the simulator's failure injection, counting the
 * upstream calls exactly. Test settings: 3 attempts, 5 s budget, breaker over 10 calls at 80 %, open for 1 s.
 */
@QuarkusTest
class FaultToleranceTest {

    static final String PATH = "/v1/chat/completions";
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]%s}";

    @Inject
    Gateway gateway;

    String key;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newKeySecret();
    }

    @AfterEach
    void tearDown() {
        gateway.reset();
    }

    RequestSpecification client() {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    Response chat(String model) {
        return client().body(CHAT.formatted(model, "")).post(PATH);
    }

    @Test
    void retriesTwo503sAndSucceedsOnTheThirdCall() {
        gateway.simulator().enqueue(Fault.status(503).withTimes(2));
        Response response = chat("claude-4-5-haiku");
        response.then().statusCode(200);
        assertEquals(3, gateway.simulator().count(PATH));
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals(3, row.getInteger("attempts"));
        assertEquals(200, row.getInteger("status"));
    }

    @Test
    void waitsForARetryAfterThatFitsTheBudgetAndSucceeds() {
        gateway.simulator().enqueue(Fault.status(429).withHeader("Retry-After", "1"));
        long start = System.nanoTime();
        chat("claude-4-5-haiku").then().statusCode(200);
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(2, gateway.simulator().count(PATH));
        assertTrue(waitedMillis >= 900, "honoured Retry-After: 1, waited " + waitedMillis + " ms");
        var calls = gateway.simulator().requests(PATH);
        assertTrue(java.time.Duration.between(calls.get(0).time(), calls.get(1).time()).toMillis() >= 900);
    }

    @Test
    void handsALongRetryAfterToTheClientAtOnce() {
        gateway.simulator().enqueue(Fault.status(429).withHeader("Retry-After", "3600"));
        chat("claude-4-5-haiku").then().statusCode(429).header("Retry-After", "3600");
        assertEquals(1, gateway.simulator().count(PATH));
    }

    @Test
    void retriesAConnectionResetBeforeAnyResponse() {
        gateway.simulator().enqueue(Fault.resetConnection());
        chat("claude-4-5-haiku").then().statusCode(200);
        assertEquals(2, gateway.simulator().count(PATH));
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsAndPassesTheLastAnswerThrough() {
        gateway.simulator().enqueue(Fault.status(500).withTimes(5));
        chat("claude-4-5-haiku").then().statusCode(500).body("error.code", equalTo(500));
        assertEquals(3, gateway.simulator().count(PATH));
    }

    @Test
    void doesNotRetryAClientFault() {
        gateway.simulator().enqueue(Fault.status(400).withTimes(3));
        chat("claude-4-5-haiku").then().statusCode(400);
        assertEquals(1, gateway.simulator().count(PATH));
        assertEquals(CircuitBreakerState.CLOSED, gateway.upstreams().breakerState("simulator"));
    }

    @Test
    void doesNotRetryOnceStreamingStarted() throws Exception {
        gateway.simulator().enqueue(Fault.cutAfterEvents(5));
        Sse.Result result = Sse.post(PATH, key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"));
        assertEquals(200, result.status());
        assertEquals(1, gateway.simulator().count(PATH));
        assertEquals(4, contentEvents(result.events()), result.raw());
        String last = result.events().get(result.events().size() - 1).data();
        assertTrue(last.contains("upstream_stream_error"), last);
        Row row = gateway.usageRow(result.requestId());
        assertFalse(row.getBoolean("completed"));
        assertEquals(4, row.getLong("output_tokens"), "5 events: the role chunk and 4 one-token chunks");
    }

    @Test
    void relaysAndCountsEveryEventOfARetriedStreamThatIsCutLater() throws Exception {
        // the second attempt starts from the retry's timer thread; its events still reach the client in order
        gateway.simulator().enqueue(Fault.status(503));
        gateway.simulator().enqueue(Fault.cutAfterEvents(5));
        Sse.Result result = Sse.post(PATH, key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"));
        assertEquals(200, result.status());
        assertEquals(2, gateway.simulator().count(PATH));
        assertEquals(4, contentEvents(result.events()), result.events().toString());
        String last = result.events().get(result.events().size() - 1).data();
        assertTrue(last.contains("upstream_stream_error"), last);
        Row row = gateway.usageRow(result.requestId());
        assertEquals(2, row.getInteger("attempts"));
        assertEquals(4, row.getLong("output_tokens"));
    }

    @Test
    void aSlowClientGetsEveryEventSentBeforeTheUpstreamCutTheStream() throws Exception {
        // The client does not read at first: the gateway's writes back up, it pauses the upstream, and events wait in
        // its buffer when the upstream's close arrives. They are relayed and counted before the error event.
        int tokens = 20_000;
        gateway.simulator().enqueue(Fault.cutAfterEvents(tokens + 1));
        HttpRequest request = Sse.request(PATH, key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"),
                Map.of("x-sim-reply-tokens", String.valueOf(tokens * 2), "x-sim-chunk-delay-ms", "0")).build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        Gateway.await("the upstream to cut the stream", () -> gateway.simulator().requests(PATH).get(0)
                .outcome() == RecordedRequest.Outcome.FAULTED);
        Thread.sleep(500); // the simulator has written it all: give the gateway time to read up to its paused state
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Sse.Event> events = Sse.parse(body);
        assertEquals(tokens, contentEvents(events));
        String last = events.get(events.size() - 1).data();
        assertTrue(last.contains("upstream_stream_error"), last);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertEquals(tokens, gateway.usageRow(requestId).getLong("output_tokens"));
    }

    private static final Pattern CONTENT = Pattern.compile("\"delta\":\\{\"content\":\"[^\"]");

    /** Chat chunks that carry text (the role chunk and the error event do not). */
    private static long contentEvents(List<Sse.Event> events) {
        return events.stream().filter(e -> CONTENT.matcher(e.data()).find()).count();
    }

    @Test
    void everyCutStreamDeliversAndCountsItsEventsUnderLoad() throws Exception {
        // Whether a stream's events and the upstream's close are read together, before the gateway has relayed the
        // events, depends on how busy its event loops are: many cut streams at once, each must arrive whole.
        int streams = 400;
        gateway.simulator().enqueue(Fault.cutAfterEvents(5).withTimes(streams));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = Sse.request(PATH, key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"), Map.of())
                .build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new java.util.ArrayList<>();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(40);
        for (int i = 0; i < streams; i++) {
            inFlight.acquire();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        Map<Long, Long> byDelivered = new java.util.TreeMap<>();
        for (var answer : answers) {
            byDelivered.merge(contentEvents(Sse.parse(answer.get().body())), 1L, Long::sum);
        }
        assertEquals(Map.of(4L, (long) streams), byDelivered, "streams by the number of content events delivered");
    }

    @Test
    void endsAStreamThatStallsMidwayWithAnErrorEvent() throws Exception {
        gateway.simulator().enqueue(Fault.stallAfterEvents(3));
        Sse.Result result = Sse.post(PATH, key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"));
        assertEquals(200, result.status());
        String last = result.events().get(result.events().size() - 1).data();
        assertTrue(last.contains("upstream_stream_error"), last);
        assertEquals(1, gateway.simulator().count(PATH));
    }

    @Test
    void answers504WhenTheFirstByteNeverComesWithinTheTimeout() {
        gateway.simulator().enqueue(Fault.stallHeaders());
        long start = System.nanoTime();
        chat("claude-4-5-haiku").then().statusCode(504).body("error.code", equalTo("upstream_timeout"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 2900 && millis < 8000, "first-byte timeout is 3 s in tests, took " + millis + " ms");
        assertEquals(1, gateway.simulator().count(PATH));
    }

    @Test
    void breakerOpensAfterRepeatedFailuresAnswersWithoutCallingAndClosesAfterRecovery() {
        gateway.simulator().enqueue(Fault.status(503).withTimes(100));
        int requests = 0;
        while (gateway.upstreams().breakerState("simulator") != CircuitBreakerState.OPEN) {
            chat("claude-4-5-haiku");
            assertTrue(++requests <= 10, "the breaker should open within 10 failing requests");
        }
        int callsWhenOpen = gateway.simulator().count(PATH);
        try (LogCapture warnings = LogCapture.of(ProxyHandler.class, Level.WARNING)) {
            chat("claude-4-5-haiku").then().statusCode(503).body("error.code", equalTo("upstream_unavailable"))
                    .header("Retry-After", "1");
            // its opening was the warning; one per refusal would flood the log for as long as it stays open
            assertEquals(List.of(), warnings.records(), "an open breaker's refusal is not a warning");
        }
        assertEquals(callsWhenOpen, gateway.simulator().count(PATH), "an open breaker does not call the upstream");

        gateway.simulator().reset(); // the upstream recovers
        Gateway.await("a probe to close the breaker", () -> chat("claude-4-5-haiku").statusCode() == 200);
        assertEquals(CircuitBreakerState.CLOSED, gateway.upstreams().breakerState("simulator"));
    }

    @Test
    void fallsBackToTheConfiguredModelAndRecordsTheOneThatAnswered() {
        // claude-3-haiku falls back to claude-4-5-haiku in tests
        gateway.simulator().enqueue(Fault.status(503).withTimes(3));
        Response response = chat("claude-3-haiku");
        response.then().statusCode(200).body("model", equalTo("claude-4-5-haiku"));
        assertEquals(4, gateway.simulator().count(PATH), "3 attempts at the primary, 1 at the fallback");
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals("claude-3-haiku", row.getString("requested_model"));
        assertEquals("claude-4-5-haiku", row.getString("upstream_model"));
        assertEquals(4, row.getInteger("attempts"));
    }
}
