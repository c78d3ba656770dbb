package io.tollgate.proxy.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI's Response object, built from a chat completion: its output items (the model's reasoning when Heroku AI
 * returns it, its message, its function calls), its status and its usage in the Responses API's names.
 */
public final class ResponseObject {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponseObject() {
    }

    /**
     * @param echo {@link ResponsesInput#echo()}
     * @param requestId tollgate's request id, which the response's and its items' ids carry
     * @param createdAt seconds since the epoch
     * @param model the model that answered, when the completion does not say
     */
    public static ObjectNode fromCompletion(ObjectNode echo, String requestId, long createdAt, JsonNode completion,
            String model) {
        Ids ids = new Ids(requestId);
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        Status status = Status.of(choice.path("finish_reason").asText(null));
        ArrayNode output = NODES.arrayNode();
        String thinking = message.path("reasoning").path("thinking").asText("");
        if (!thinking.isEmpty()) {
            output.add(reasoningItem(ids.reasoning(), thinking));
        }
        String text = message.path("content").asText("");
        String refusal = message.path("refusal").asText("");
        JsonNode calls = message.path("tool_calls");
        if (!text.isEmpty() || !refusal.isEmpty() || calls.isEmpty()) {
            output.add(messageItem(ids.message(), text, refusal, status.itemStatus()));
        }
        int n = 0;
        for (JsonNode call : calls) {
            JsonNode function = call.path("function");
            output.add(functionCallItem(ids.functionCall(n++), call.path("id").asText(""),
                    function.path("name").asText(""), function.path("arguments").asText(""), status.itemStatus()));
        }
        ObjectNode response = skeleton(echo, ids.response(), createdAt,
                completion.path("model").asText(model), status);
        response.set("output", output);
        response.set("usage", usage(completion.get("usage")));
        return response;
    }

    /** A Response with every field its SDKs require; {@code output} empty and {@code usage} null. */
    static ObjectNode skeleton(ObjectNode echo, String id, long createdAt, String model, Status status) {
        ObjectNode response = NODES.objectNode();
        response.put("id", id);
        response.put("object", "response");
        response.put("created_at", createdAt);
        response.put("status", status.name);
        response.putNull("error");
        if (status.incompleteReason != null) {
            response.putObject("incomplete_details").put("reason", status.incompleteReason);
        } else {
            response.putNull("incomplete_details");
        }
        response.put("model", model);
        response.putArray("output");
        response.setAll(echo);
        response.putNull("usage");
        return response;
    }

    static ObjectNode messageItem(String id, String text, String refusal, String status) {
        ObjectNode item = NODES.objectNode();
        item.put("id", id);
        item.put("type", "message");
        item.put("status", status);
        item.put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (!text.isEmpty() || refusal.isEmpty()) {
            content.add(textPart(text));
        }
        if (!refusal.isEmpty()) {
            content.addObject().put("type", "refusal").put("refusal", refusal);
        }
        return item;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
        return NODES.objectNode().put("id", id).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }

    static ObjectNode reasoningItem(String id, String text) {
        ObjectNode item = NODES.objectNode().put("id", id).put("type", "reasoning");
        item.putArray("summary");
        item.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
        return item;
    }

    /** Chat's usage in the Responses API's names; null when the answer had none. */
    static JsonNode usage(JsonNode chat) {
        if (chat == null || !chat.isObject()) {
            return NODES.nullNode();
        }
        long input = chat.path("prompt_tokens").asLong(0);
        long output = chat.path("completion_tokens").asLong(0);
        ObjectNode usage = NODES.objectNode();
        usage.put("input_tokens", input);
        JsonNode details = chat.path("prompt_tokens_details");
        // the newer OpenAI SDKs require cache_write_tokens; chat completions report none unless they say
        usage.putObject("input_tokens_details").put("cached_tokens", details.path("cached_tokens").asLong(0))
                .put("cache_write_tokens", details.path("cache_write_tokens").asLong(0));
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens",
                chat.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        usage.put("total_tokens", chat.path("total_tokens").asLong(input + output));
        return usage;
    }

    /** A Response's status, from the chat answer's finish reason. */
    enum Status {
        IN_PROGRESS("in_progress", null),
        COMPLETED("completed", null),
        INCOMPLETE_LENGTH("incomplete", "max_output_tokens"),
        INCOMPLETE_FILTER("incomplete", "content_filter"),
        FAILED("failed", null);

        final String name;
        final String incompleteReason;

        Status(String name, String incompleteReason) {
            this.name = name;
            this.incompleteReason = incompleteReason;
        }

        static Status of(String finishReason) {
            if ("length".equals(finishReason)) {
                return INCOMPLETE_LENGTH;
            }
            return "content_filter".equals(finishReason) ? INCOMPLETE_FILTER : COMPLETED;
        }

        /** The status of the items a response of this status ends with: cut short unless it completed. */
        String itemStatus() {
            return this == COMPLETED ? "completed" : "incomplete";
        }

        /** The name of the stream event that ends a response of this status. */
        String endEvent() {
            return "response." + name;
        }
    }

    /** The ids of one response and its items, all carrying tollgate's request id (and so its usage row's). */
    record Ids(String base) {

        Ids {
            base = base.startsWith("req_") ? base.substring(4) : base.replaceAll("[^A-Za-z0-9]", "");
        }

        String response() {
            return "resp_" + base;
        }

        String message() {
            return "msg_" + base;
        }

        String reasoning() {
            return "rs_" + base;
        }

        String functionCall(int n) {
            return "fc_" + base + "_" + n;
        }
    }
}
