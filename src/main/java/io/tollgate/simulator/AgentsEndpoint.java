package io.tollgate.simulator;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/agents/heroku}: always an SSE stream (§10.2) of one scripted agent run: an assistant turn calling a
 * tool, the tool's result, the final answer, then {@code done}.
 */
final class AgentsEndpoint extends Endpoint {

    AgentsEndpoint(RateLimiter limiter) {
        super(limiter);
    }

    @Override
    void handle(Exchange exchange) {
        String key = bearerKey(exchange);
        ObjectNode body = body(exchange);
        SimulatedModels.Model model = model(exchange, body, key, SimulatedModels.Kind.CHAT);
        JsonNode messages = messages(body, "system", "user", "assistant", "tool");
        Integer cap = optionalInt(body, "max_tokens_per_inference_request", 1, Integer.MAX_VALUE);
        optionalNumber(body, "temperature", 0, 1);
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw ApiError.invalid("'tools' must be an array");
        }
        String tool = tools != null && tools.path(0).path("name").isTextual()
                ? tools.path(0).path("name").asText()
                : SimulatedContent.AGENT_DEFAULT_TOOL;

        int prompt = TokenCount.ofMessages(messages);
        int toolCallTokens = SimulatedContent.agentToolCallTokens();
        String toolResult = SimulatedContent.agentToolResult(tool);
        int finalPrompt = prompt + toolCallTokens + TokenCount.of(toolResult);
        int wanted = exchange.replyTokens();
        int produced = cap == null ? wanted : Math.min(wanted, cap);
        String id = chatCompletionId();
        String toolCallId = randomId("tooluse_", 22);
        long created = now();

        ObjectNode call = Json.object();
        call.put("id", toolCallId);
        call.put("type", "function");
        ObjectNode function = Json.object();
        function.put("name", tool);
        function.put("arguments", SimulatedContent.AGENT_TOOL_ARGUMENTS);
        call.set("function", function);
        ObjectNode assistant = assistant(SimulatedContent.AGENT_PREAMBLE);
        assistant.set("tool_calls", Json.array().add(call));
        ObjectNode first = completion(id, created, model.id(), "chat.completion", assistant, "tool_calls");
        first.set("usage", usage(prompt, toolCallTokens));

        ObjectNode toolMessage = Json.object();
        toolMessage.put("role", "tool");
        toolMessage.put("content", toolResult);
        toolMessage.putNull("refusal");
        toolMessage.put("tool_call_id", toolCallId);
        toolMessage.put("name", tool);
        // Heroku's tool.completion has no model, an empty finish_reason and an empty usage object
        ObjectNode second = completion(id, created + 1, null, "tool.completion", toolMessage, "");
        second.set("usage", Json.object());

        ObjectNode last = completion(id, created + 2, model.id(), "chat.completion",
                assistant(SimulatedContent.replyText(produced)), produced < wanted ? "length" : "stop");
        last.set("usage", usage(finalPrompt, produced));

        List<String> frames = List.of(message(first), message(second), message(last), "event:done\ndata:[DONE]\n\n");
        Fault fault = exchange.streamFault();
        int status = fault == null || fault.status() == 0 ? 500 : fault.status();
        String error = "event:error\ndata:" + Json.write(ErrorBodies.heroku(status, ErrorBodies.defaultMessage(status)))
                + "\n\n";
        SseStream.play(exchange, Map.of(), frames, 3, error);
    }

    private static ObjectNode assistant(String content) {
        ObjectNode message = Json.object();
        message.put("role", "assistant");
        message.put("content", content);
        message.putNull("refusal");
        return message;
    }

    private static ObjectNode completion(String id, long created, String model, String object, ObjectNode message,
            String finishReason) {
        ObjectNode node = Json.object();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        if (model != null) {
            node.put("model", model);
        }
        node.put("system_fingerprint", SYSTEM_FINGERPRINT);
        ObjectNode choice = Json.object();
        choice.put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finishReason);
        node.set("choices", Json.array().add(choice));
        return node;
    }

    /** The Dev Center capture's framing: no space after either colon. */
    private static String message(ObjectNode completion) {
        return "event:message\ndata:" + Json.write(completion) + "\n\n";
    }
}
