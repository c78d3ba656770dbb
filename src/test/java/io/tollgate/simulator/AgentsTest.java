package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.simulator.SimulatorClient.SseEvent;

class AgentsTest {

    private static final String PATH = "/v1/agents/heroku";
    private static final String QUESTION = "What is two to the tenth?";

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

    private static String body(String extra) {
        return "{\"model\":\"claude-4-5-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]"
                + extra + "}";
    }

    @Test
    void streamsAScriptedAgentRunWithHerokuFramingWithoutSpaces() {
        HttpResponse<String> response = client.post(PATH, body(""), "accept", "text/event-stream");

        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
        String raw = response.body();
        assertTrue(raw.startsWith("event:message\ndata:{"), raw);
        assertFalse(raw.contains("event: "));
        assertFalse(raw.contains("data: "));
        assertTrue(raw.endsWith("event:done\ndata:[DONE]\n\n"));
        List<SseEvent> events = SimulatorClient.events(raw);
        assertEquals(List.of("message", "message", "message", "done"), events.stream().map(SseEvent::event).toList());

        JsonNode call = events.get(0).json();
        JsonNode tool = events.get(1).json();
        JsonNode answer = events.get(2).json();
        String id = call.get("id").asText();
        assertTrue(id.startsWith("chatcmpl-"));
        assertEquals(id, tool.get("id").asText());
        assertEquals(id, answer.get("id").asText());

        assertEquals("chat.completion", call.get("object").asText());
        assertEquals("tool_calls", call.get("choices").get(0).get("finish_reason").asText());
        JsonNode toolCall = call.get("choices").get(0).get("message").get("tool_calls").get(0);
        assertTrue(toolCall.get("id").asText().startsWith("tooluse_"));
        assertEquals(SimulatedContent.AGENT_DEFAULT_TOOL, toolCall.get("function").get("name").asText());

        assertEquals("tool.completion", tool.get("object").asText());
        assertFalse(tool.has("model"));
        JsonNode toolMessage = tool.get("choices").get(0).get("message");
        assertEquals("tool", toolMessage.get("role").asText());
        assertEquals(toolCall.get("id").asText(), toolMessage.get("tool_call_id").asText());
        assertEquals("", tool.get("choices").get(0).get("finish_reason").asText());
        assertTrue(tool.get("usage").isObject() && tool.get("usage").isEmpty());

        assertEquals("chat.completion", answer.get("object").asText());
        assertEquals("stop", answer.get("choices").get(0).get("finish_reason").asText());
        assertEquals(SimulatedContent.replyText(12), answer.get("choices").get(0).get("message").get("content").asText());
    }

    @Test
    void reportsDeterministicUsageForEachInference() {
        List<SseEvent> events = SimulatorClient.events(client.post(PATH, body(""), "x-sim-reply-tokens", "7").body());

        int prompt = TokenCount.of(QUESTION);
        JsonNode first = events.get(0).json().get("usage");
        assertEquals(prompt, first.get("prompt_tokens").asInt());
        assertEquals(SimulatedContent.agentToolCallTokens(), first.get("completion_tokens").asInt());
        assertEquals(prompt + SimulatedContent.agentToolCallTokens(), first.get("total_tokens").asInt());
        JsonNode last = events.get(2).json().get("usage");
        int finalPrompt = prompt + SimulatedContent.agentToolCallTokens()
                + TokenCount.of(SimulatedContent.agentToolResult(SimulatedContent.AGENT_DEFAULT_TOOL));
        assertEquals(finalPrompt, last.get("prompt_tokens").asInt());
        assertEquals(7, last.get("completion_tokens").asInt());
        assertEquals(finalPrompt + 7, last.get("total_tokens").asInt());
    }

    @Test
    void callsTheFirstRequestedToolAndCapsEachInference() {
        String tools = ",\"max_tokens_per_inference_request\":5,\"tools\":[{\"type\":\"heroku_tool\",\"name\":\"dyno_run_command\","
                + "\"runtime_params\":{\"target_app_name\":\"my-app\"}}]";

        List<SseEvent> events = SimulatorClient.events(client.post(PATH, body(tools)).body());

        assertEquals("dyno_run_command", events.get(0).json().get("choices").get(0).get("message").get("tool_calls")
                .get(0).get("function").get("name").asText());
        assertEquals(SimulatedContent.agentToolResult("dyno_run_command"),
                events.get(1).json().get("choices").get(0).get("message").get("content").asText());
        JsonNode last = events.get(2).json();
        assertEquals("length", last.get("choices").get(0).get("finish_reason").asText());
        assertEquals(5, last.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void rejectsARequestWithoutMessages() {
        HttpResponse<String> response = client.post(PATH, "{\"model\":\"claude-4-5-sonnet\"}");

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request_error",
                SimulatorClient.json(response.body()).get("error").get("type").asText());
    }
}
