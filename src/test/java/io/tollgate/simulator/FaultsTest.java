package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.simulator.RecordedRequest.Outcome;
import io.tollgate.simulator.SimulatorClient.SseEvent;
import io.tollgate.simulator.SimulatorClient.SseReader;

class FaultsTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HI = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String HI_STREAM = "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static HerokuSimulator simulator;
    private static SimulatorClient client;

    @BeforeAll
    static void start() {
        simulator = HerokuSimulator.start(SimulatorOptions.defaults());
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

    private static RecordedRequest last() {
        List<RecordedRequest> requests = simulator.requests();
        return requests.get(requests.size() - 1);
    }

    private static void awaitLast(Outcome outcome) {
        SimulatorClient.await("the last request is " + outcome, DEADLINE, () -> last().outcome() == outcome);
    }

    @Test
    void statusFaultAnswersThatStatusWithTheErrorBodyAndExtraHeaders() {
        simulator.enqueue(Fault.status(503).withHeader("Retry-After", "1"));

        HttpResponse<String> faulted = client.post(CHAT, HI);

        assertEquals(503, faulted.statusCode());
        JsonNode error = SimulatorClient.json(faulted.body()).get("error");
        assertEquals(503, error.get("code").asInt());
        assertEquals("server_error", error.get("type").asText());
        assertEquals("1", faulted.headers().firstValue("retry-after").orElseThrow());
        assertEquals(Outcome.FAULTED, last().outcome());
        assertEquals(Fault.Kind.STATUS, last().fault());
        assertEquals(503, last().status());
        assertEquals(200, client.post(CHAT, HI).statusCode());
    }

    @Test
    void statusFaultOnMessagesUsesTheAnthropicEnvelope() {
        simulator.enqueue(Fault.status(529));

        HttpResponse<String> faulted = client.post("/v1/messages",
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(529, faulted.statusCode());
        JsonNode body = SimulatorClient.json(faulted.body());
        assertEquals("error", body.get("type").asText());
        assertEquals("overloaded_error", body.get("error").get("type").asText());
    }

    @Test
    void faultsWaitForTheirPath() {
        simulator.enqueue(Fault.status(500).onPath("/v1/embeddings"));

        assertEquals(200, client.post(CHAT, HI).statusCode());
        assertEquals(500, client.post("/v1/embeddings", "{\"model\":\"cohere-embed-multilingual\",\"input\":\"x\"}")
                .statusCode());
        assertTrue(simulator.pendingFaults().isEmpty());
    }

    @Test
    void faultsAreUsedInOrderAndEachForItsNumberOfRequests() {
        simulator.enqueue(Fault.status(500).withTimes(2));
        simulator.enqueue(Fault.status(502));
        assertEquals(2, simulator.pendingFaults().get(0).times());

        assertEquals(500, client.post(CHAT, HI).statusCode());
        assertEquals(1, simulator.pendingFaults().get(0).times());
        assertEquals(500, client.post(CHAT, HI).statusCode());
        assertEquals(502, client.post(CHAT, HI).statusCode());
        assertEquals(200, client.post(CHAT, HI).statusCode());
        assertEquals(4, simulator.count(CHAT));
    }

    @Test
    void html403AnswersAsCloudFrontWouldWithoutJson() {
        simulator.enqueue(Fault.html403());

        HttpResponse<String> blocked = client.post(CHAT, HI);

        assertEquals(403, blocked.statusCode());
        assertEquals("text/html", blocked.headers().firstValue("content-type").orElseThrow());
        assertTrue(blocked.body().startsWith("<!DOCTYPE HTML"));
        assertTrue(blocked.body().contains("CloudFront"));
        assertEquals(Fault.Kind.HTML_403, last().fault());
    }

    @Test
    void resetClosesTheConnectionWithoutAnswering() {
        simulator.enqueue(Fault.resetConnection());

        IOException failure = client.failure(CHAT, HI, Duration.ofSeconds(5));

        assertFalse(failure instanceof HttpTimeoutException, failure.toString());
        assertEquals(Outcome.FAULTED, last().outcome());
        assertEquals(Fault.Kind.RESET, last().fault());
        assertEquals(0, last().status());
        assertEquals(1, simulator.count(CHAT));
        assertEquals(200, client.post(CHAT, HI).statusCode());
    }

    @Test
    void stallHeadersNeverAnswersUntilTheClientGivesUp() {
        simulator.enqueue(Fault.stallHeaders());

        IOException failure = client.failure(CHAT, HI, Duration.ofMillis(300));

        assertInstanceOf(HttpTimeoutException.class, failure);
        awaitLast(Outcome.CLIENT_CANCELLED);
        assertEquals(Fault.Kind.STALL_HEADERS, last().fault());
        assertEquals(0, last().status());
    }

    @Test
    void cutAfterEventsSendsThatManyEventsThenDropsTheConnection() throws IOException {
        simulator.enqueue(Fault.cutAfterEvents(2));

        // a raw socket shows the exact bytes: the JDK client may drop buffered data once it sees the early EOF
        String raw = rawExchange(CHAT, HI_STREAM);

        assertTrue(raw.startsWith("HTTP/1.1 200 OK"), raw);
        assertTrue(raw.toLowerCase().contains("transfer-encoding: chunked"));
        List<SseEvent> events = SimulatorClient.events(dechunk(raw.substring(raw.indexOf("\r\n\r\n") + 4)));
        assertEquals(2, events.size());
        assertEquals("assistant", events.get(0).json().get("choices").get(0).get("delta").get("role").asText());
        assertEquals(SimulatedContent.replyPiece(0),
                events.get(1).json().get("choices").get(0).get("delta").get("content").asText());
        assertFalse(raw.endsWith("0\r\n\r\n"), "the chunked body must stay unterminated");
        awaitLast(Outcome.FAULTED);
        assertEquals(Fault.Kind.CUT_AFTER_EVENTS, last().fault());
    }

    @Test
    void cutAfterEventsLooksLikeABrokenStreamToAnHttpClient() throws IOException {
        simulator.enqueue(Fault.cutAfterEvents(2));

        HttpResponse<InputStream> response = client.open(CHAT, HI_STREAM);

        assertEquals(200, response.statusCode());
        try (SseReader reader = new SseReader(response.body())) {
            assertThrows(IOException.class, () -> {
                for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                    assertNotEquals("[DONE]", event.data());
                }
            }, "an unterminated chunked body is an error, not an end");
        }
    }

    @Test
    void cutAfterEventsOnAJsonAnswerSendsHalfTheBody() {
        simulator.enqueue(Fault.cutAfterEvents(0));

        IOException failure = client.failure(CHAT, HI, Duration.ofSeconds(5));

        assertFalse(failure instanceof HttpTimeoutException, failure.toString());
        awaitLast(Outcome.FAULTED);
    }

    @Test
    void stallAfterEventsSendsThatManyEventsThenNothing() throws Exception {
        simulator.enqueue(Fault.stallAfterEvents(3));

        HttpResponse<InputStream> response = client.open(CHAT, HI_STREAM);
        SseReader reader = new SseReader(response.body());
        for (int i = 0; i < 3; i++) {
            assertNotEquals(null, reader.next());
        }
        CompletableFuture<SseEvent> fourth = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.next();
            } catch (IOException e) {
                return null;
            }
        });
        assertThrows(TimeoutException.class, () -> fourth.get(300, TimeUnit.MILLISECONDS));
        assertEquals(Outcome.IN_PROGRESS, last().outcome());

        reader.close();

        awaitLast(Outcome.CLIENT_CANCELLED);
        assertEquals(Fault.Kind.STALL_AFTER_EVENTS, last().fault());
    }

    @Test
    void errorEventAfterSendsAnInBandOpenAiErrorAndEnds() throws IOException {
        simulator.enqueue(Fault.errorEventAfter(2));

        HttpResponse<InputStream> response = client.open(CHAT, HI_STREAM);
        try (SseReader reader = new SseReader(response.body())) {
            reader.next();
            reader.next();
            SseEvent error = reader.next();
            assertTrue(error.raw().startsWith("data: {\"error\":"));
            assertEquals("server_error", error.json().get("error").get("type").asText());
            assertEquals(500, error.json().get("error").get("code").asInt());
            assertNull(reader.next(), "the stream ends after the error, without [DONE]");
        }
        awaitLast(Outcome.FAULTED);
        assertEquals(Fault.Kind.ERROR_EVENT_AFTER, last().fault());
    }

    @Test
    void errorEventAfterSendsAnAnthropicErrorEventOnMessages() {
        simulator.enqueue(Fault.errorEventAfter(1).onPath("/v1/messages"));

        String body = client.post("/v1/messages",
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .body();

        List<SseEvent> events = SimulatorClient.events(body);
        assertEquals(List.of("message_start", "error"), events.stream().map(SseEvent::event).toList());
        assertEquals("overloaded_error", events.get(1).json().get("error").get("type").asText());
        assertEquals("error", events.get(1).json().get("type").asText());
    }

    @Test
    void errorEventAfterSendsAnErrorEventOnAgents() {
        simulator.enqueue(Fault.errorEventAfter(1).withStatus(503));

        String body = client.post("/v1/agents/heroku",
                "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body();

        List<SseEvent> events = SimulatorClient.events(body);
        assertEquals(List.of("message", "error"), events.stream().map(SseEvent::event).toList());
        assertTrue(events.get(1).raw().startsWith("event:error\ndata:{"));
        assertEquals(503, events.get(1).json().get("error").get("code").asInt());
    }

    @Test
    void aStreamFaultDoesNotChangeAnErrorAnswer() {
        simulator.enqueue(Fault.cutAfterEvents(1));

        HttpResponse<String> response = client.postRaw(CHAT, HI_STREAM);

        assertEquals(401, response.statusCode());
        assertEquals(Outcome.COMPLETED, last().outcome());
        assertTrue(simulator.pendingFaults().isEmpty(), "the request used the fault up");
    }

    /** Sends one request over a plain socket and returns every byte the simulator sent until it closed. */
    private static String rawExchange(String path, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", simulator.port())) {
            socket.setSoTimeout(5000);
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + simulator.key()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The payload of a chunked body, as far as it goes. */
    private static String dechunk(String chunked) {
        StringBuilder payload = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd), 16);
            payload.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return payload.toString();
    }
}
