package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.tollgate.simulator.RecordedRequest.Outcome;
import io.tollgate.simulator.SimulatorClient.SseEvent;
import io.tollgate.simulator.SimulatorClient.SseReader;

class RecordingTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HI_STREAM = "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static HerokuSimulator simulator;
    private static SimulatorClient client;

    @BeforeAll
    static void start() {
        simulator = HerokuSimulator.start(SimulatorOptions.builder().maxRecords(5).build());
        client = new SimulatorClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    private static RecordedRequest only() {
        List<RecordedRequest> requests = simulator.requests();
        assertEquals(1, requests.size());
        return requests.get(0);
    }

    @Test
    void recordsMethodPathHeadersBodyTimeAndOutcome() {
        Instant before = Instant.now();
        String body = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        client.post(CHAT + "?trace=1", body, "X-Tenant-Trace", "abc");

        RecordedRequest request = only();
        assertEquals(1, request.sequence());
        assertEquals("POST", request.method());
        assertEquals(CHAT, request.path());
        assertEquals("trace=1", request.query());
        assertEquals("abc", request.headers().get("x-tenant-trace"));
        assertEquals("Bearer " + simulator.key(), request.header("Authorization"));
        assertTrue(request.headers().keySet().stream().allMatch(name -> name.equals(name.toLowerCase())));
        assertEquals(body, request.body());
        assertTrue(!request.time().isBefore(before.minusSeconds(1)));
        assertEquals(Outcome.COMPLETED, request.outcome());
        assertEquals(200, request.status());
        assertNull(request.fault());
    }

    @Test
    void recordsErrorAnswersAsCompletedWithTheirStatus() {
        client.postRaw(CHAT, "{}");

        assertEquals(Outcome.COMPLETED, only().outcome());
        assertEquals(401, only().status());
    }

    @Test
    void detectsTheClientCancellingANeverFinishingStream() throws IOException {
        HttpResponse<InputStream> response = client.open(CHAT, HI_STREAM, "x-sim-never-finish", "true",
                "x-sim-reply-tokens", "3");
        SseReader reader = new SseReader(response.body());
        // the role chunk and the three content chunks, then nothing: no finish chunk, no [DONE]
        for (int i = 0; i < 4; i++) {
            SseEvent event = reader.next();
            assertNotNull(event);
            assertTrue(event.json().get("choices").get(0).get("finish_reason").isNull());
        }
        CompletableFuture<SseEvent> next = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.next();
            } catch (IOException e) {
                return null;
            }
        });
        assertThrows(TimeoutException.class, () -> next.get(200, TimeUnit.MILLISECONDS));
        assertEquals(Outcome.IN_PROGRESS, only().outcome());

        reader.close();

        SimulatorClient.await("the record says CLIENT_CANCELLED", DEADLINE,
                () -> only().outcome() == Outcome.CLIENT_CANCELLED);
        assertNull(only().fault());
    }

    @Test
    void detectsTheClientCancellingASlowStreamHalfway() throws IOException {
        HttpResponse<InputStream> response = client.open(CHAT, HI_STREAM, "x-sim-chunk-delay-ms", "30",
                "x-sim-reply-tokens", "1000");
        SseReader reader = new SseReader(response.body());
        reader.next();
        reader.next();
        reader.next();

        reader.close();

        SimulatorClient.await("the record says CLIENT_CANCELLED", DEADLINE,
                () -> only().outcome() == Outcome.CLIENT_CANCELLED);
        assertEquals(200, only().status());
    }

    @Test
    void detectsTheClientLeavingDuringTheTimeToFirstToken() {
        IOException failure = client.failure(CHAT,
                "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Duration.ofMillis(200), "x-sim-ttft-ms", "5000");

        assertNotNull(failure);
        SimulatorClient.await("the record says CLIENT_CANCELLED", DEADLINE,
                () -> only().outcome() == Outcome.CLIENT_CANCELLED);
    }

    @Test
    void countsPerPathBeyondTheKeptRecords() {
        for (int i = 0; i < 7; i++) {
            client.get("/available-models");
        }
        client.post("/v1/rerank", "{}");

        assertEquals(7, simulator.count("/available-models"));
        assertEquals(1, simulator.count("/v1/rerank"));
        assertEquals(0, simulator.count(CHAT));
        List<RecordedRequest> kept = simulator.requests();
        assertEquals(5, kept.size(), "maxRecords drops the oldest");
        assertEquals(8, kept.get(4).sequence());
        assertEquals(1, simulator.requests("/v1/rerank").size());
    }

    @Test
    void resetForgetsRecordsFaultsAndOverrides() {
        client.get("/available-models");
        simulator.enqueue(Fault.status(500));
        simulator.override(o -> o.replyTokens(3));
        assertEquals(3, simulator.options().replyTokens());

        simulator.reset();

        assertTrue(simulator.requests().isEmpty());
        assertEquals(0, simulator.count("/available-models"));
        assertTrue(simulator.pendingFaults().isEmpty());
        assertEquals(12, simulator.options().replyTokens());
        assertEquals(200, client.get("/available-models").statusCode());
        assertEquals(1, only().sequence());
    }

    @Test
    void overridesCannotMoveTheServer() {
        int port = simulator.port();

        simulator.override(o -> o.port(1).host("0.0.0.0"));

        assertEquals(port, simulator.port());
        assertEquals("127.0.0.1", simulator.options().host());
    }
}
