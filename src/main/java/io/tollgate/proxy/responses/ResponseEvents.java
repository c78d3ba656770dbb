package io.tollgate.proxy.responses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tollgate.error.ErrorType;

/**
 * A chat completions stream translated, chunk by chunk as it arrives, into the Responses API's stream: the
 * response's creation, each output item's opening, its deltas and its end, and the finished response with its
 * usage. One per stream, confined to its event loop. Every method returns SSE text to relay (empty: nothing).
 */
public final class ResponseEvents {

    private final ObjectMapper mapper;
    private final ObjectNode echo;
    private final ResponseObject.Ids ids;
    private final long createdAt;
    private String model;
    private int sequence;
    private int nextOutputIndex;
    /** Items that are done, by output index. */
    private final TreeMap<Integer, ObjectNode> output = new TreeMap<>();
    private int messageIndex = -1;
    private String messageId;
    private int messageCount;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private int reasoningIndex = -1;
    private final StringBuilder reasoning = new StringBuilder();
    /** Open function calls, by the chat stream's tool call index. */
    private final Map<Integer, FunctionCall> calls = new LinkedHashMap<>();
    private int callCount;
    private String finishReason;
    private boolean sawDone;
    private JsonNode usage;
    private boolean ended;

    /**
     * @param echo {@link ResponsesInput#echo()}
     * @param requestId tollgate's request id, which the ids carry
     * @param createdAt seconds since the epoch
     * @param model the model the request went to, until a chunk names it
     */
    public ResponseEvents(ObjectMapper mapper, ObjectNode echo, String requestId, long createdAt, String model) {
        this.mapper = mapper;
        this.echo = echo;
        this.ids = new ResponseObject.Ids(requestId);
        this.createdAt = createdAt;
        this.model = model;
    }

    /** {@code response.created} and {@code response.in_progress}, before the upstream's first chunk. */
    public String start() {
        StringBuilder out = new StringBuilder();
        ObjectNode response = ResponseObject.skeleton(echo, ids.response(), createdAt, model,
                ResponseObject.Status.IN_PROGRESS);
        emit(out, "response.created", event -> event.set("response", response));
        emit(out, "response.in_progress", event -> event.set("response", response));
        return out.toString();
    }

    /**
     * One chat chunk: its {@code data}, and the chunk already parsed when it was (the usage count parses each chunk:
     * {@code StreamUsage.lastChunk}), else null and it is parsed here. {@code [DONE]} and what is not JSON give
     * nothing.
     */
    public String onChunk(String data, JsonNode parsed) {
        if (ended) {
            return "";
        }
        if (data.equals("[DONE]")) {
            sawDone = true;
            return "";
        }
        JsonNode chunk = parsed;
        try {
            if (chunk == null) {
                chunk = data.isEmpty() || data.charAt(0) != '{' ? null : mapper.readTree(data);
            }
        } catch (JsonProcessingException e) {
            chunk = null;
        }
        if (chunk == null) {
            return "";
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            return error(error.path("code").asText("upstream_error"),
                    error.path("message").asText("The upstream reported an error"));
        }
        if (chunk.path("model").isTextual()) {
            model = chunk.path("model").asText();
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
        }
        StringBuilder out = new StringBuilder();
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String thinking = delta.path("reasoning").path("thinking").asText("");
        if (!thinking.isEmpty()) {
            reasoningDelta(out, thinking);
        }
        String content = delta.path("content").asText("");
        if (!content.isEmpty()) {
            textDelta(out, content);
        }
        String refused = delta.path("refusal").asText("");
        if (!refused.isEmpty()) {
            openMessage(out);
            refusal.append(refused);
            emit(out, "response.refusal.delta", event -> itemPart(event, messageId, messageIndex)
                    .put("delta", refused));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            callDelta(out, call);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.path("finish_reason").asText();
        }
        return out.toString();
    }

    /**
     * The upstream's stream ended: open items are closed and the response ends, {@code response.completed} (or
     * {@code incomplete} when the answer was cut at its token limit); {@code response.failed} when the upstream ended
     * before its answer was whole.
     */
    public String end() {
        if (ended) {
            return "";
        }
        ended = true;
        StringBuilder out = new StringBuilder();
        ResponseObject.Status status = finishReason == null && !sawDone ? ResponseObject.Status.FAILED
                : ResponseObject.Status.of(finishReason);
        if (output.isEmpty() && messageIndex < 0 && reasoningIndex < 0 && calls.isEmpty()
                && status != ResponseObject.Status.FAILED) {
            openMessage(out); // an answer with no text is still a message, as without a stream
        }
        closeReasoning(out);
        closeMessage(out, status.itemStatus());
        closeCalls(out, status.itemStatus());
        ObjectNode response = ResponseObject.skeleton(echo, ids.response(), createdAt, model, status);
        ArrayNode items = response.putArray("output");
        output.values().forEach(items::add);
        response.set("usage", ResponseObject.usage(usage));
        if (status == ResponseObject.Status.FAILED) {
            response.putObject("error").put("code", "server_error")
                    .put("message", "The upstream's stream ended before its answer was complete");
        }
        emit(out, status.endEvent(), event -> event.set("response", response));
        return out.toString();
    }

    /**
     * The stream breaks off: an {@code error} event, after which nothing more is said. It carries the Responses API's
     * fields and also an {@code error} object, which makes the OpenAI SDKs raise, as they do for a chat stream's.
     */
    public String error(String code, String message) {
        ended = true;
        StringBuilder out = new StringBuilder();
        emit(out, "error", event -> {
            event.put("code", code).put("message", message).putNull("param");
            event.putObject("error").put("message", message).put("type", ErrorType.API).put("code", code);
        });
        return out.toString();
    }

    private void reasoningDelta(StringBuilder out, String delta) {
        if (reasoningIndex < 0) {
            closeMessage(out, "completed");
            reasoningIndex = nextOutputIndex++;
            ObjectNode item = ResponseObject.NODES.objectNode().put("id", ids.reasoning()).put("type", "reasoning");
            item.putArray("summary");
            emit(out, "response.output_item.added",
                    event -> event.put("output_index", reasoningIndex).set("item", item));
        }
        reasoning.append(delta);
        emit(out, "response.reasoning_text.delta",
                event -> itemPart(event, ids.reasoning(), reasoningIndex).put("delta", delta));
    }

    private void textDelta(StringBuilder out, String delta) {
        openMessage(out);
        text.append(delta);
        emit(out, "response.output_text.delta", event -> {
            itemPart(event, messageId, messageIndex).put("delta", delta);
            event.putArray("logprobs");
        });
    }

    private void openMessage(StringBuilder out) {
        if (messageIndex >= 0) {
            return;
        }
        closeReasoning(out);
        messageIndex = nextOutputIndex++;
        // a second message (text after function calls) needs an id of its own
        messageId = messageCount++ == 0 ? ids.message() : ids.message() + "_" + messageCount;
        ObjectNode item = ResponseObject.NODES.objectNode().put("id", messageId).put("type", "message")
                .put("status", "in_progress").put("role", "assistant");
        item.putArray("content");
        emit(out, "response.output_item.added", event -> event.put("output_index", messageIndex).set("item", item));
        emit(out, "response.content_part.added",
                event -> itemPart(event, messageId, messageIndex).set("part", ResponseObject.textPart("")));
    }

    private void callDelta(StringBuilder out, JsonNode delta) {
        int index = delta.path("index").asInt(0);
        FunctionCall call = calls.get(index);
        if (call == null) {
            closeReasoning(out);
            closeMessage(out, "completed");
            JsonNode function = delta.path("function");
            FunctionCall opened = new FunctionCall(ids.functionCall(callCount++), nextOutputIndex++,
                    delta.path("id").asText(""), function.path("name").asText(""));
            calls.put(index, opened);
            emit(out, "response.output_item.added", event -> event.put("output_index", opened.outputIndex)
                    .set("item", ResponseObject.functionCallItem(opened.id, opened.callId, opened.name, "",
                            "in_progress")));
            call = opened;
        }
        String arguments = delta.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            FunctionCall open = call;
            open.arguments.append(arguments);
            emit(out, "response.function_call_arguments.delta", event -> event.put("item_id", open.id)
                    .put("output_index", open.outputIndex).put("delta", arguments));
        }
    }

    private void closeReasoning(StringBuilder out) {
        if (reasoningIndex < 0) {
            return;
        }
        int index = reasoningIndex;
        reasoningIndex = -1;
        String done = reasoning.toString();
        reasoning.setLength(0);
        emit(out, "response.reasoning_text.done",
                event -> itemPart(event, ids.reasoning(), index).put("text", done));
        ObjectNode item = ResponseObject.reasoningItem(ids.reasoning(), done);
        output.put(index, item);
        emit(out, "response.output_item.done", event -> event.put("output_index", index).set("item", item));
    }

    private void closeMessage(StringBuilder out, String status) {
        if (messageIndex < 0) {
            return;
        }
        int index = messageIndex;
        messageIndex = -1;
        String done = text.toString();
        String refused = refusal.toString();
        text.setLength(0);
        refusal.setLength(0);
        emit(out, "response.output_text.done", event -> {
            itemPart(event, messageId, index).put("text", done);
            event.putArray("logprobs");
        });
        emit(out, "response.content_part.done",
                event -> itemPart(event, messageId, index).set("part", ResponseObject.textPart(done)));
        if (!refused.isEmpty()) {
            emit(out, "response.refusal.done", event -> itemPart(event, messageId, index).put("refusal", refused));
        }
        ObjectNode item = ResponseObject.messageItem(messageId, done, refused, status);
        output.put(index, item);
        emit(out, "response.output_item.done", event -> event.put("output_index", index).set("item", item));
    }

    private void closeCalls(StringBuilder out, String status) {
        for (FunctionCall call : calls.values()) {
            String arguments = call.arguments.toString();
            emit(out, "response.function_call_arguments.done", event -> event.put("item_id", call.id)
                    .put("output_index", call.outputIndex).put("name", call.name).put("arguments", arguments));
            ObjectNode item = ResponseObject.functionCallItem(call.id, call.callId, call.name, arguments, status);
            output.put(call.outputIndex, item);
            emit(out, "response.output_item.done",
                    event -> event.put("output_index", call.outputIndex).set("item", item));
        }
        calls.clear();
    }

    private static ObjectNode itemPart(ObjectNode event, String itemId, int outputIndex) {
        return event.put("item_id", itemId).put("output_index", outputIndex).put("content_index", 0);
    }

    private void emit(StringBuilder out, String type, Consumer<ObjectNode> fields) {
        ObjectNode event = ResponseObject.NODES.objectNode();
        event.put("type", type);
        event.put("sequence_number", sequence++);
        fields.accept(event);
        try {
            out.append("event: ").append(type).append("\ndata: ").append(mapper.writeValueAsString(event))
                    .append("\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class FunctionCall {
        final String id;
        final int outputIndex;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        FunctionCall(String id, int outputIndex, String callId, String name) {
            this.id = id;
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }
}
