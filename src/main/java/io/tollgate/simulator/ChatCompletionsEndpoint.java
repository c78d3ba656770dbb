package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /v1/chat/completions}: OpenAI chat completions, JSON (§6.2) or SSE chunks (§6.3). */
final class ChatCompletionsEndpoint extends Endpoint {

    ChatCompletionsEndpoint(RateLimiter limiter) {
        super(limiter);
    }

    @Override
    void handle(Exchange exchange) {
        String key = bearerKey(exchange);
        ObjectNode body = body(exchange);
        SimulatedModels.Model model = model(exchange, body, key, SimulatedModels.Kind.CHAT);
        JsonNode messages = messages(body, "system", "user", "assistant", "tool");
        optionalNumber(body, "temperature", 0, 1);
        optionalNumber(body, "top_p", 0, 1);
        Integer maxCompletion = optionalInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer maxTokens = optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE);
        boolean stream = optionalBoolean(body, "stream");
        JsonNode streamOptions = body.path("stream_options");
        boolean includeUsage = streamOptions.path("include_usage").asBoolean(false);

        ToolCall toolCall = toolCall(body);
        String structured = toolCall == null ? structuredReply(body) : null;

        int prompt = TokenCount.ofMessages(messages);
        int wanted = toolCall != null ? toolCall.tokens()
                : structured != null ? TokenCount.of(structured) : exchange.replyTokens();
        Integer cap = maxCompletion != null ? maxCompletion : maxTokens;
        int produced = cap == null ? wanted : Math.min(wanted, cap);
        String finishReason = toolCall != null ? "tool_calls" : produced < wanted ? "length" : "stop";
        Map<String, String> limitHeaders = rateLimit(exchange, key, model, prompt + produced);

        Reply reply = new Reply(chatCompletionId(), now(), model.id(), prompt, produced, finishReason,
                Math.min(prompt, exchange.cachedTokens()), toolCall, structured);
        if (stream) {
            stream(exchange, reply, includeUsage, limitHeaders);
        } else {
            exchange.success(reply.completion(), limitHeaders);
        }
    }

    /**
     * The function the reply calls: when {@code tool_choice} requires a call ({@code "required"}: the first tool) or
     * names a function; otherwise the reply is text.
     */
    private static ToolCall toolCall(ObjectNode body) {
        JsonNode tools = body.path("tools");
        JsonNode choice = body.path("tool_choice");
        String name;
        if (choice.isTextual() && choice.asText().equals("required")) {
            name = tools.path(0).path("function").path("name").asText(null);
        } else if (choice.isObject()) {
            name = choice.path("function").path("name").asText(null);
        } else {
            return null;
        }
        for (JsonNode tool : tools) {
            JsonNode function = tool.path("function");
            if (function.path("name").asText("").equals(name)) {
                return new ToolCall(randomId("tooluse_", 22), name,
                        SimulatedContent.sampleOf(function.path("parameters")));
            }
        }
        throw ApiError.invalid("'tool_choice' requires a function that 'tools' does not declare");
    }

    /**
     * A structured output's reply: for {@code response_format} {@code json_schema}, an object that fits the schema
     * ({@link SimulatedContent#sampleOf}); for {@code json_object}, {@code {}}; null for text.
     */
    private static String structuredReply(ObjectNode body) {
        JsonNode format = body.path("response_format");
        return switch (format.path("type").asText("")) {
            case "json_schema" -> SimulatedContent.sampleOf(format.path("json_schema").path("schema"));
            case "json_object" -> "{}";
            default -> null;
        };
    }

    private record ToolCall(String id, String name, String arguments) {

        int tokens() {
            return TokenCount.of(SimulatedContent.TOOL_PREAMBLE) + TokenCount.of(arguments);
        }

        ObjectNode json(boolean withArguments) {
            ObjectNode function = Json.object();
            function.put("name", name);
            function.put("arguments", withArguments ? arguments : "");
            ObjectNode call = Json.object();
            call.put("id", id);
            call.put("type", "function");
            call.set("function", function);
            return call;
        }
    }

    private static void stream(Exchange exchange, Reply reply, boolean includeUsage, Map<String, String> headers) {
        UsageMode mode = exchange.options.usageMode();
        // OpenAI marks usage as null on every chunk only when it will send usage at all
        boolean nullUsage = mode == UsageMode.ON_FINAL_CHUNK || mode == UsageMode.INCLUDE_USAGE && includeUsage;
        String prefix = exchange.options.dataSpace() ? "data: " : "data:";
        List<String> frames = new ArrayList<>();

        ObjectNode roleDelta = Json.object();
        roleDelta.put("role", "assistant");
        roleDelta.put("content", "");
        frames.add(frame(prefix, reply.chunk(roleDelta, null, nullUsage)));
        ToolCall call = reply.toolCall;
        if (call != null) {
            // the preamble, then the call: its id and name first, its arguments in two fragments
            frames.add(frame(prefix, reply.chunk(Json.object().put("content", SimulatedContent.TOOL_PREAMBLE), null,
                    nullUsage)));
            ObjectNode first = call.json(false);
            first.put("index", 0);
            ObjectNode opening = Json.object();
            opening.set("tool_calls", Json.array().add(first));
            frames.add(frame(prefix, reply.chunk(opening, null, nullUsage)));
            int half = call.arguments.length() / 2;
            for (String fragment : new String[] { call.arguments.substring(0, half), call.arguments.substring(half) }) {
                ObjectNode piece = Json.object();
                piece.put("index", 0);
                piece.set("function", Json.object().put("arguments", fragment));
                ObjectNode delta = Json.object();
                delta.set("tool_calls", Json.array().add(piece));
                frames.add(frame(prefix, reply.chunk(delta, null, nullUsage)));
            }
        }
        for (int i = 0; call == null && i < reply.completionTokens; i++) {
            ObjectNode delta = Json.object();
            delta.put("content", reply.piece(i));
            frames.add(frame(prefix, reply.chunk(delta, null, nullUsage)));
        }
        int closingIndex = frames.size();
        ObjectNode last = reply.chunk(Json.object(), reply.finishReason, nullUsage);
        if (mode == UsageMode.ON_FINAL_CHUNK) {
            last.set("usage", reply.usage());
        }
        frames.add(frame(prefix, last));
        if (mode == UsageMode.INCLUDE_USAGE && includeUsage) {
            ObjectNode usageChunk = reply.header("chat.completion.chunk");
            usageChunk.set("choices", Json.array());
            usageChunk.set("usage", reply.usage());
            frames.add(frame(prefix, usageChunk));
        }
        frames.add(prefix + "[DONE]\n\n");

        int status = exchange.streamFault() == null || exchange.streamFault().status() == 0
                ? 500
                : exchange.streamFault().status();
        String error = prefix + Json.write(ErrorBodies.heroku(status, ErrorBodies.defaultMessage(status))) + "\n\n";
        SseStream.play(exchange, headers, frames, closingIndex, error);
    }

    private static String frame(String prefix, JsonNode chunk) {
        return prefix + Json.write(chunk) + "\n\n";
    }

    private record Reply(String id, long created, String model, int promptTokens, int completionTokens,
            String finishReason, int cachedTokens, ToolCall toolCall, String structured) {

        /** The reply's {@code index}-th token: four characters of the structured reply, or of the default text. */
        String piece(int index) {
            return structured == null ? SimulatedContent.replyPiece(index)
                    : structured.substring(Math.min(structured.length(), 4 * index),
                            Math.min(structured.length(), 4 * index + 4));
        }

        String text() {
            return structured == null ? SimulatedContent.replyText(completionTokens)
                    : structured.substring(0, Math.min(structured.length(), 4 * completionTokens));
        }

        ObjectNode usage() {
            ObjectNode usage = Endpoint.usage(promptTokens, completionTokens);
            if (cachedTokens > 0) {
                usage.set("prompt_tokens_details", Json.object().put("cached_tokens", cachedTokens));
            }
            return usage;
        }

        ObjectNode header(String object) {
            ObjectNode node = Json.object();
            node.put("id", id);
            node.put("object", object);
            node.put("created", created);
            node.put("model", model);
            node.put("system_fingerprint", SYSTEM_FINGERPRINT);
            return node;
        }

        ObjectNode completion() {
            ObjectNode message = Json.object();
            message.put("role", "assistant");
            message.put("content", toolCall != null ? SimulatedContent.TOOL_PREAMBLE : text());
            message.putNull("refusal");
            if (toolCall != null) {
                message.set("tool_calls", Json.array().add(toolCall.json(true)));
            }
            ObjectNode choice = Json.object();
            choice.put("index", 0);
            choice.set("message", message);
            choice.put("finish_reason", finishReason);
            ObjectNode completion = header("chat.completion");
            completion.set("choices", Json.array().add(choice));
            completion.set("usage", usage());
            return completion;
        }

        ObjectNode chunk(ObjectNode delta, String finish, boolean nullUsage) {
            ObjectNode choice = Json.object();
            choice.put("index", 0);
            choice.set("delta", delta);
            choice.put("finish_reason", finish);
            ObjectNode chunk = header("chat.completion.chunk");
            chunk.set("choices", Json.array().add(choice));
            if (nullUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }
    }
}
