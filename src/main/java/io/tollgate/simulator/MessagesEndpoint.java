package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /v1/messages}: the Anthropic Messages API for Claude models, JSON (§9.2) or Anthropic events (§9.3). */
final class MessagesEndpoint extends Endpoint {

    MessagesEndpoint(RateLimiter limiter) {
        super(limiter);
    }

    @Override
    void handle(Exchange exchange) {
        String key = apiKeyOrBearer(exchange);
        ObjectNode body = body(exchange);
        SimulatedModels.Model model = model(exchange, body, key, SimulatedModels.Kind.CHAT);
        if (!model.claude()) {
            throw ApiError.invalid("model '" + model.id() + "' is not available on /v1/messages");
        }
        JsonNode messages = messages(body, "user", "assistant");
        Integer maxTokens = optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            throw ApiError.invalid("'max_tokens' is required");
        }
        JsonNode system = body.get("system");
        if (system != null && !system.isNull() && !system.isTextual() && !system.isArray()) {
            throw ApiError.invalid("'system' must be a string or an array of text blocks");
        }
        optionalNumber(body, "temperature", 0, 1);
        boolean stream = optionalBoolean(body, "stream");

        int input = TokenCount.ofAnthropic(system, messages);
        int wanted = exchange.replyTokens();
        int produced = Math.min(wanted, maxTokens);
        String stopReason = produced < wanted ? "max_tokens" : "end_turn";
        Map<String, String> limitHeaders = rateLimit(exchange, key, model, input + produced);
        String id = randomId("msg_01", 22);

        if (!stream) {
            ObjectNode text = Json.object();
            text.put("type", "text");
            text.put("text", SimulatedContent.replyText(produced));
            ObjectNode message = message(id, model.id(), input, produced, exchange.cachedTokens());
            message.set("content", Json.array().add(text));
            message.put("stop_reason", stopReason);
            exchange.success(message, limitHeaders);
            return;
        }

        List<String> frames = new ArrayList<>();
        ObjectNode start = event("message_start");
        start.set("message", message(id, model.id(), input, 1, exchange.cachedTokens()));
        frames.add(frame(start));
        ObjectNode blockStart = event("content_block_start");
        blockStart.put("index", 0);
        ObjectNode emptyText = Json.object();
        emptyText.put("type", "text");
        emptyText.put("text", "");
        blockStart.set("content_block", emptyText);
        frames.add(frame(blockStart));
        frames.add(frame(event("ping")));
        for (int i = 0; i < produced; i++) {
            ObjectNode delta = Json.object();
            delta.put("type", "text_delta");
            delta.put("text", SimulatedContent.replyPiece(i));
            ObjectNode blockDelta = event("content_block_delta");
            blockDelta.put("index", 0);
            blockDelta.set("delta", delta);
            frames.add(frame(blockDelta));
        }
        int closingIndex = frames.size();
        ObjectNode blockStop = event("content_block_stop");
        blockStop.put("index", 0);
        frames.add(frame(blockStop));
        ObjectNode messageDelta = event("message_delta");
        ObjectNode delta = Json.object();
        delta.put("stop_reason", stopReason);
        delta.putNull("stop_sequence");
        messageDelta.set("delta", delta);
        ObjectNode usage = Json.object();
        usage.put("output_tokens", produced);
        messageDelta.set("usage", usage);
        frames.add(frame(messageDelta));
        frames.add(frame(event("message_stop")));

        Fault fault = exchange.streamFault();
        int status = fault == null || fault.status() == 0 ? 529 : fault.status();
        ObjectNode error = ErrorBodies.anthropic(status, ErrorBodies.defaultMessage(status));
        SseStream.play(exchange, limitHeaders, frames, closingIndex, frame(error));
    }

    /** Anthropic's usage: {@code input_tokens} leaves out the part read from the prompt cache. */
    private static ObjectNode message(String id, String model, int inputTokens, int outputTokens, int cachedTokens) {
        int cached = Math.min(cachedTokens, inputTokens);
        ObjectNode message = Json.object();
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.set("content", Json.array());
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode usage = Json.object();
        usage.put("input_tokens", inputTokens - cached);
        if (cached > 0) {
            usage.put("cache_creation_input_tokens", 0);
            usage.put("cache_read_input_tokens", cached);
        }
        usage.put("output_tokens", outputTokens);
        message.set("usage", usage);
        return message;
    }

    private static ObjectNode event(String type) {
        ObjectNode event = Json.object();
        event.put("type", type);
        return event;
    }

    /** Anthropic's framing: the event name repeats the payload's {@code type}. */
    private static String frame(ObjectNode event) {
        return "event: " + event.get("type").asText() + "\ndata: " + Json.write(event) + "\n\n";
    }
}
