package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.simulator.SimulatorClient.SseEvent;

class MessagesTest {

    private static final String PATH = "/v1/messages";
    private static final String SYSTEM = "You are terse.";
    private static final String USER = "Say hello to the gateway";
    private static final String BODY = "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":%d,\"system\":\"" + SYSTEM
            + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + USER + "\"}]}]%s}";

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

    private static String body(int maxTokens, String extra) {
        return String.format(BODY, maxTokens, extra);
    }

    private HttpResponse<String> send(String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "x-api-key";
        all[1] = simulator.key();
        all[2] = "anthropic-version";
        all[3] = "2023-06-01";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return client.postRaw(PATH, body, all);
    }

    private static int inputTokens() {
        return TokenCount.of(SYSTEM) + TokenCount.of(USER);
    }

    @Test
    void answersAnAnthropicMessageWithUsage() {
        HttpResponse<String> response = send(body(1024, ""));

        assertEquals(200, response.statusCode());
        JsonNode message = SimulatorClient.json(response.body());
        assertTrue(message.get("id").asText().startsWith("msg_"));
        assertEquals("message", message.get("type").asText());
        assertEquals("assistant", message.get("role").asText());
        assertEquals("claude-4-5-haiku", message.get("model").asText());
        assertEquals("text", message.get("content").get(0).get("type").asText());
        assertEquals(SimulatedContent.replyText(12), message.get("content").get(0).get("text").asText());
        assertEquals("end_turn", message.get("stop_reason").asText());
        assertTrue(message.get("stop_sequence").isNull());
        assertEquals(inputTokens(), message.get("usage").get("input_tokens").asInt());
        assertEquals(12, message.get("usage").get("output_tokens").asInt());
        assertTrue(response.headers().firstValue("x-ratelimit-remaining-requests").isPresent());
    }

    @Test
    void stopsAtMaxTokensWithStopReasonMaxTokens() {
        JsonNode message = SimulatorClient.json(send(body(4, "")).body());

        assertEquals("max_tokens", message.get("stop_reason").asText());
        assertEquals(4, message.get("usage").get("output_tokens").asInt());
    }

    @Test
    void acceptsABearerKeyToo() {
        HttpResponse<String> response = client.post(PATH, body(10, ""));

        assertEquals(200, response.statusCode());
    }

    @Test
    void streamsAnthropicEventsInOrderWithCumulativeOutputTokens() {
        HttpResponse<String> response = send(body(1024, ",\"stream\":true"), "x-sim-reply-tokens", "3");

        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
        List<SseEvent> events = SimulatorClient.events(response.body());
        List<String> names = events.stream().map(SseEvent::event).toList();
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"),
                names);
        for (SseEvent event : events) {
            assertEquals(event.event(), event.json().get("type").asText());
            assertTrue(event.raw().startsWith("event: " + event.event() + "\ndata: {"));
        }
        JsonNode start = events.get(0).json().get("message");
        assertEquals(inputTokens(), start.get("usage").get("input_tokens").asInt());
        assertTrue(start.get("content").isEmpty());
        assertEquals("text", events.get(1).json().get("content_block").get("type").asText());
        StringBuilder text = new StringBuilder();
        for (SseEvent delta : events.subList(3, 6)) {
            assertEquals("text_delta", delta.json().get("delta").get("type").asText());
            text.append(delta.json().get("delta").get("text").asText());
        }
        assertEquals(SimulatedContent.replyText(3), text.toString());
        JsonNode messageDelta = events.get(7).json();
        assertEquals("end_turn", messageDelta.get("delta").get("stop_reason").asText());
        assertEquals(3, messageDelta.get("usage").get("output_tokens").asInt());
        assertFalse(response.body().contains("[DONE]"));
    }

    @Test
    void streamEndsWithMaxTokensWhenCut() {
        List<SseEvent> events = SimulatorClient.events(send(body(2, ",\"stream\":true")).body());

        JsonNode messageDelta = events.get(events.size() - 2).json();
        assertEquals("max_tokens", messageDelta.get("delta").get("stop_reason").asText());
        assertEquals(2, messageDelta.get("usage").get("output_tokens").asInt());
        assertEquals(2, events.stream().filter(e -> "content_block_delta".equals(e.event())).count());
    }

    @Test
    void requiresMaxTokensWithAnAnthropicError() {
        HttpResponse<String> response = send(
                "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(400, response.statusCode());
        JsonNode error = SimulatorClient.json(response.body());
        assertEquals("error", error.get("type").asText());
        assertEquals("invalid_request_error", error.get("error").get("type").asText());
        assertTrue(error.get("error").get("message").asText().contains("max_tokens"));
    }

    @Test
    void rejectsNonClaudeModels() {
        HttpResponse<String> response = send(
                "{\"model\":\"nova-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request_error", SimulatorClient.json(response.body()).get("error").get("type").asText());
    }

    @Test
    void rejectsASystemRoleInsideMessages() {
        HttpResponse<String> response = send(
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}");

        assertEquals(400, response.statusCode());
    }

    @Test
    void answersAMissingKeyWithAnAnthropicAuthenticationError() {
        HttpResponse<String> response = client.postRaw(PATH, body(10, ""));

        assertEquals(401, response.statusCode());
        JsonNode error = SimulatorClient.json(response.body());
        assertEquals("error", error.get("type").asText());
        assertEquals("authentication_error", error.get("error").get("type").asText());
    }

    @Test
    void answersAForbiddenModelWithAnAnthropicPermissionError() {
        String key = "inf-11111111-1111-4111-8111-111111111111";
        simulator.override(o -> o.allowModels(key, "claude-4-5-sonnet"));

        HttpResponse<String> response = client.postRaw(PATH, body(10, ""), "x-api-key", key);

        assertEquals(403, response.statusCode());
        JsonNode error = SimulatorClient.json(response.body());
        assertEquals("permission_error", error.get("error").get("type").asText());
        assertEquals("You do not have access to that model", error.get("error").get("message").asText());
    }
}
