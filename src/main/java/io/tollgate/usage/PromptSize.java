package io.tollgate.usage;

import com.fasterxml.jackson.databind.JsonNode;

/** The text size of a request's prompt, to estimate input tokens when an upstream never reports them. */
public final class PromptSize {

    private PromptSize() {
    }

    public static long chars(JsonNode request) {
        long chars = text(request.path("system"));
        for (JsonNode message : request.path("messages")) {
            chars += text(message.path("content"));
        }
        return chars;
    }

    private static long text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText().length();
        }
        long chars = 0;
        for (JsonNode part : content) {
            chars += part.path("text").asText("").length();
        }
        return chars;
    }
}
