package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.simulator.RecordedRequest.Outcome;
import io.tollgate.simulator.SimulatorClient.SseReader;

/** The per-request steering headers. Delays are asserted as lower bounds only, never as upper ones. */
class RequestHeadersTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HI = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String HI_STREAM = "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

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

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void ttftDelaysAJsonAnswer() {
        long start = System.nanoTime();

        assertEquals(200, client.post(CHAT, HI, "x-sim-ttft-ms", "150").statusCode());

        assertTrue(millisSince(start) >= 150);
    }

    @Test
    void ttftDelaysTheFirstStreamEventButNotTheHeaders() throws IOException {
        long start = System.nanoTime();

        HttpResponse<InputStream> response = client.open(CHAT, HI_STREAM, "x-sim-ttft-ms", "300");
        long headers = millisSince(start);
        try (SseReader reader = new SseReader(response.body())) {
            reader.next();
        }

        assertTrue(millisSince(start) >= 300);
        assertTrue(headers < 300, "headers took " + headers + " ms");
    }

    @Test
    void chunkDelaySpacesTheStreamEvents() {
        long start = System.nanoTime();

        // role, two content chunks, finish, [DONE]: four gaps
        client.post(CHAT, HI_STREAM, "x-sim-chunk-delay-ms", "60", "x-sim-reply-tokens", "2");

        assertTrue(millisSince(start) >= 240);
    }

    @Test
    void latencyDelaysEvenErrorAnswers() {
        long start = System.nanoTime();

        assertEquals(401, client.postRaw(CHAT, HI, "x-sim-latency-ms", "150").statusCode());

        assertTrue(millisSince(start) >= 150);
    }

    @Test
    void latencyOptionDelaysEveryAnswer() {
        simulator.override(o -> o.latencyMs(150));
        long start = System.nanoTime();

        client.get("/available-models");

        assertTrue(millisSince(start) >= 150);
    }

    @Test
    void statusHeaderAnswersThatStatusWithTheProperBody() {
        HttpResponse<String> response = client.post(CHAT, HI, "x-sim-status", "503");

        assertEquals(503, response.statusCode());
        JsonNode error = SimulatorClient.json(response.body()).get("error");
        assertEquals(503, error.get("code").asInt());
        assertEquals("server_error", error.get("type").asText());
        assertEquals(Outcome.FAULTED, simulator.requests().get(0).outcome());
    }

    @Test
    void statusHeaderUsesTheAnthropicEnvelopeOnMessages() {
        HttpResponse<String> response = client.post("/v1/messages", "{}", "x-sim-status", "429");

        assertEquals(429, response.statusCode());
        assertEquals("rate_limit_error", SimulatorClient.json(response.body()).get("error").get("type").asText());
        assertEquals("error", SimulatorClient.json(response.body()).get("type").asText());
    }

    @Test
    void replyTokensHeaderAppliesToMessagesAndAgentsToo() {
        JsonNode message = SimulatorClient.json(client.post("/v1/messages",
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-sim-reply-tokens", "30").body());
        assertEquals(30, message.get("usage").get("output_tokens").asInt());

        List<SimulatorClient.SseEvent> events = SimulatorClient.events(
                client.post("/v1/agents/heroku", HI, "x-sim-reply-tokens", "2").body());
        assertEquals(2, events.get(2).json().get("usage").get("completion_tokens").asInt());
    }

    @Test
    void invalidSteeringValuesAreIgnored() {
        HttpResponse<String> response = client.post(CHAT, HI, "x-sim-reply-tokens", "lots", "x-sim-status", "42");

        assertEquals(200, response.statusCode());
        assertEquals(12, SimulatorClient.json(response.body()).get("usage").get("completion_tokens").asInt());
    }
}
