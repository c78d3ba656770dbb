package io.tollgate.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The simulator's tokenizer: about four characters per token, as Heroku's docs suggest. Public so that tests can compute
 * the exact usage numbers the simulator will report.
 */
public final class TokenCount {

    private TokenCount() {
    }

    /** {@code max(1, ceil(codePoints / 4))} for non-empty text, 0 for null or empty text. */
    public static int of(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int codePoints = text.codePointCount(0, text.length());
        return Math.max(1, (codePoints + 3) / 4);
    }

    /** Prompt tokens of an OpenAI-style {@code messages} array: the sum over every message's text content. */
    public static int ofMessages(JsonNode messages) {
        int total = 0;
        if (messages != null && messages.isArray()) {
            for (JsonNode message : messages) {
                total += ofContent(message.get("content"));
            }
        }
        return total;
    }

    /** Input tokens of an Anthropic request: the {@code system} field plus every message's text content. */
    public static int ofAnthropic(JsonNode system, JsonNode messages) {
        return ofContent(system) + ofMessages(messages);
    }

    /**
     * Tokens of one {@code content} value: a string, or an array of parts whose {@code text} parts count (images,
     * tool calls and other parts count nothing).
     */
    public static int ofContent(JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return of(content.asText());
        }
        int total = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    total += of(part.asText());
                } else if (part.path("text").isTextual()) {
                    total += of(part.get("text").asText());
                }
            }
        }
        return total;
    }
}
