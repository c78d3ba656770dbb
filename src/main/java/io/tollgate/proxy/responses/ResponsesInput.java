package io.tollgate.proxy.responses;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tollgate.error.ErrorType;
import io.tollgate.error.GatewayException;

/**
 * An OpenAI Responses API request ({@code POST /v1/responses}) translated into the chat completions request Heroku
 * AI serves, with the request's settings that every Response object repeats ({@link #echo}). Heroku AI keeps no
 * conversation state and runs no OpenAI built-in tools, so what needs either is refused with a 400 that says so
 * rather than silently dropped; settings with no meaning here ({@code store}, {@code include}, {@code truncation},
 * ...) are accepted and left out.
 *
 * @param chat the chat completions body to forward
 * @param echo the settings a Response object repeats back: {@code instructions}, {@code tools}, {@code temperature},
 *        ...
 */
public record ResponsesInput(ObjectNode chat, ObjectNode echo) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    /** @throws GatewayException 400 for what cannot be served through chat completions */
    public static ResponsesInput of(ObjectNode request) {
        refuseState(request);
        ObjectNode chat = NODES.objectNode();
        if (request.has("model")) {
            chat.set("model", request.get("model"));
        }
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = request.get("instructions");
        if (instructions != null && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw invalid("instructions", "'instructions' must be a string");
            }
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        input(request.get("input"), messages);
        copyNumber(request, "temperature", chat, "temperature");
        copyNumber(request, "top_p", chat, "top_p");
        copyNumber(request, "max_output_tokens", chat, "max_tokens");
        JsonNode parallel = request.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean()) {
            chat.set("parallel_tool_calls", parallel);
        }
        JsonNode tools = request.get("tools");
        if (tools != null && !tools.isNull() && !(tools.isArray() && tools.isEmpty())) {
            chat.set("tools", tools(tools));
        }
        JsonNode toolChoice = request.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull()) {
            chat.set("tool_choice", toolChoice(toolChoice));
        }
        JsonNode format = request.path("text").path("format");
        if (format.isObject()) {
            responseFormat(format, chat);
        }
        JsonNode effort = request.path("reasoning").path("effort");
        if (effort.isTextual()) {
            chat.put("reasoning_effort", effort.asText());
        }
        JsonNode user = request.get("user");
        if (user != null && user.isTextual()) {
            chat.set("user", user);
        }
        if (request.path("stream").asBoolean(false)) {
            chat.put("stream", true);
        }
        return new ResponsesInput(chat, echo(request));
    }

    private static void refuseState(ObjectNode request) {
        for (String param : new String[] { "previous_response_id", "conversation" }) {
            if (isSet(request.get(param))) {
                throw invalid(param, "'" + param + "' is not supported: tollgate keeps no responses (Heroku AI has no"
                        + " Responses API, and tollgate serves it through chat completions); send the whole"
                        + " conversation in 'input'");
            }
        }
        if (request.path("background").asBoolean(false)) {
            throw invalid("background", "'background' is not supported: tollgate keeps no responses to poll; ask for"
                    + " a stream (\"stream\": true) instead");
        }
        if (isSet(request.get("prompt"))) {
            throw invalid("prompt", "'prompt' (a stored prompt template) is not supported: send 'instructions' and"
                    + " 'input'");
        }
    }

    private static boolean isSet(JsonNode value) {
        return value != null && !value.isNull() && !(value.isTextual() && value.asText().isEmpty());
    }

    private static void input(JsonNode input, ArrayNode messages) {
        if (input == null || input.isNull()) {
            throw invalid("input", "'input' is missing: a string, or an array of input items");
        }
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray()) {
            throw invalid("input", "'input' must be a string or an array of input items");
        }
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", messages);
        }
        if (messages.isEmpty()) {
            throw invalid("input", "'input' holds no message");
        }
    }

    private static void item(JsonNode item, String where, ArrayNode messages) {
        if (!item.isObject()) {
            throw invalid(where, "'" + where + "' must be an object");
        }
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> message(item, where, messages);
            case "function_call" -> functionCall(item, where, messages);
            case "function_call_output" -> functionOutput(item, where, messages);
            // the model's reasoning of an earlier turn: chat completions have no place for it
            case "reasoning" -> {
            }
            case "item_reference" -> throw invalid(where, "'" + where + "': item references are not supported:"
                    + " tollgate keeps no responses; send the item itself");
            case "" -> throw invalid(where, "'" + where + "' has no 'type' nor 'role'");
            default -> throw invalid(where, "'" + where + "': input items of type '" + type + "' are not supported"
                    + " (Heroku AI runs no OpenAI built-in tools); use messages, function calls and their outputs");
        }
    }

    private static void message(JsonNode item, String where, ArrayNode messages) {
        String role = item.path("role").asText("");
        if (!ROLES.contains(role)) {
            throw invalid(where + ".role", "'" + where + ".role' must be one of user, assistant, system, developer");
        }
        JsonNode content = item.get("content");
        ObjectNode message = NODES.objectNode();
        // Heroku AI's chat completions know no developer role: OpenAI's own models treat it as system
        message.put("role", role.equals("developer") ? "system" : role);
        if (content != null && content.isTextual()) {
            message.put("content", content.asText());
        } else if (content != null && content.isArray()) {
            message.set("content", parts(content, where + ".content", role.equals("assistant")));
        } else {
            throw invalid(where + ".content", "'" + where + ".content' must be a string or an array of content parts");
        }
        messages.add(message);
    }

    /**
     * Content parts in chat's form; text alone becomes one string (Heroku AI's chat completions may not take part
     * arrays, see heroku-ai-api.md §6.1), images keep the array.
     */
    private static JsonNode parts(JsonNode content, String where, boolean assistant) {
        ArrayNode parts = NODES.arrayNode();
        StringBuilder text = new StringBuilder();
        boolean onlyText = true;
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String at = where + "[" + i + "]";
            String type = part.path("type").asText("");
            switch (type) {
                case "input_text", "output_text", "text" -> {
                    String value = part.path("text").asText("");
                    text.append(value);
                    parts.addObject().put("type", "text").put("text", value);
                }
                case "refusal" -> {
                    String value = part.path("refusal").asText("");
                    text.append(value);
                    parts.addObject().put("type", "text").put("text", value);
                }
                case "input_image" -> {
                    if (assistant) {
                        throw invalid(at, "'" + at + "': an assistant message cannot hold an image");
                    }
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isTextual()) {
                        throw invalid(at, "'" + at + "': images are taken by 'image_url' (a URL or a data: URL);"
                                + " tollgate serves no files");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", url.asText());
                    if (part.path("detail").isTextual()) {
                        image.put("detail", part.path("detail").asText());
                    }
                    onlyText = false;
                }
                default -> throw invalid(at, "'" + at + "': content parts of type '" + type + "' are not supported;"
                        + " use input_text or input_image");
            }
        }
        return onlyText ? NODES.textNode(text.toString()) : parts;
    }

    private static void functionCall(JsonNode item, String where, ArrayNode messages) {
        String callId = requiredText(item, "call_id", where);
        ObjectNode call = NODES.objectNode().put("id", callId).put("type", "function");
        call.putObject("function").put("name", requiredText(item, "name", where))
                .put("arguments", item.path("arguments").asText("{}"));
        // calls of one turn go on one assistant message, after any text it said
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        ObjectNode assistant;
        if (last instanceof ObjectNode l && l.path("role").asText().equals("assistant")) {
            assistant = l;
        } else {
            assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
        }
        JsonNode calls = assistant.get("tool_calls");
        (calls instanceof ArrayNode a ? a : assistant.putArray("tool_calls")).add(call);
    }

    private static void functionOutput(JsonNode item, String where, ArrayNode messages) {
        String callId = requiredText(item, "call_id", where);
        JsonNode output = item.get("output");
        String content;
        if (output != null && output.isTextual()) {
            content = output.asText();
        } else if (output != null && output.isArray()) {
            JsonNode parts = parts(output, where + ".output", false);
            if (!parts.isTextual()) {
                throw invalid(where + ".output", "'" + where + ".output': a function's output can only be text here");
            }
            content = parts.asText();
        } else {
            throw invalid(where + ".output", "'" + where + ".output' must be a string");
        }
        messages.addObject().put("role", "tool").put("tool_call_id", callId).put("content", content);
    }

    private static ArrayNode tools(JsonNode tools) {
        if (!tools.isArray()) {
            throw invalid("tools", "'tools' must be an array");
        }
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asText("");
            if (!type.equals("function")) {
                throw invalid("tools[" + i + "].type", "'tools[" + i + "]': tools of type '" + type + "' are not"
                        + " supported: Heroku AI runs no OpenAI built-in tools; use function tools (Heroku's own"
                        + " tools run on /v1/agents/heroku)");
            }
            ObjectNode function = NODES.objectNode().put("name", requiredText(tool, "name", "tools[" + i + "]"));
            for (String field : new String[] { "description", "parameters", "strict" }) {
                JsonNode value = tool.get(field);
                if (value != null && !value.isNull()) {
                    function.set(field, value);
                }
            }
            out.addObject().put("type", "function").set("function", function);
        }
        return out;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText())) {
            return choice;
        }
        if (choice.isObject() && choice.path("type").asText().equals("function") && choice.path("name").isTextual()) {
            ObjectNode out = NODES.objectNode().put("type", "function");
            out.putObject("function").put("name", choice.path("name").asText());
            return out;
        }
        throw invalid("tool_choice", "'tool_choice' must be auto, none, required or {\"type\":\"function\",\"name\":"
                + "...}: Heroku AI runs no OpenAI built-in tools");
    }

    private static void responseFormat(JsonNode format, ObjectNode chat) {
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {
            }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = NODES.objectNode();
                for (String field : new String[] { "name", "description", "schema", "strict" }) {
                    JsonNode value = format.get(field);
                    if (value != null && !value.isNull()) {
                        schema.set(field, value);
                    }
                }
                chat.putObject("response_format").put("type", "json_schema").set("json_schema", schema);
            }
            default -> throw invalid("text.format.type", "'text.format.type' must be text, json_object or json_schema");
        }
    }

    /** What a Response object repeats of its request, with the API's defaults for what the request left out. */
    private static ObjectNode echo(ObjectNode request) {
        ObjectNode echo = NODES.objectNode();
        echo.set("instructions", valueOr(request, "instructions", NODES.nullNode()));
        echo.set("max_output_tokens", valueOr(request, "max_output_tokens", NODES.nullNode()));
        echo.set("metadata", valueOr(request, "metadata", NODES.objectNode()));
        echo.set("parallel_tool_calls", valueOr(request, "parallel_tool_calls", NODES.booleanNode(true)));
        echo.putNull("previous_response_id");
        ObjectNode reasoning = NODES.objectNode();
        reasoning.set("effort", request.path("reasoning").path("effort").isTextual()
                ? request.path("reasoning").path("effort")
                : NODES.nullNode());
        reasoning.putNull("summary");
        echo.set("reasoning", reasoning);
        echo.put("store", false);
        echo.set("temperature", valueOr(request, "temperature", NODES.numberNode(1.0)));
        JsonNode format = request.path("text").path("format");
        ObjectNode text = NODES.objectNode();
        text.set("format", format.isObject() ? format : NODES.objectNode().put("type", "text"));
        echo.set("text", text);
        echo.set("tool_choice", valueOr(request, "tool_choice", NODES.textNode("auto")));
        echo.set("tools", valueOr(request, "tools", NODES.arrayNode()));
        echo.set("top_p", valueOr(request, "top_p", NODES.numberNode(1.0)));
        echo.put("truncation", "disabled");
        echo.set("user", valueOr(request, "user", NODES.nullNode()));
        return echo;
    }

    private static JsonNode valueOr(ObjectNode request, String field, JsonNode otherwise) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? otherwise : value;
    }

    private static void copyNumber(ObjectNode request, String field, ObjectNode chat, String as) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw invalid(field, "'" + field + "' must be a number");
        }
        chat.set(as, value);
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw invalid(where + "." + field, "'" + where + "." + field + "' is missing");
        }
        return value.asText();
    }

    private static GatewayException invalid(String param, String message) {
        return new GatewayException(400, ErrorType.INVALID_REQUEST, "invalid_request", param, message, Map.of());
    }
}
