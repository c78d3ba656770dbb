package io.tollgate.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.usage.PromptSize;
import io.tollgate.usage.Tokens;

/** What a request is reserved against the tokens-per-minute limits before it is forwarded. */
public final class TokenEstimate {

    private TokenEstimate() {
    }

    /**
     * The prompt's estimated tokens (about four characters a token, as Heroku documents) plus the most the answer
     * may use: {@code max_tokens} or {@code max_completion_tokens} when given, else {@code defaultMaxOutput};
     * nothing for an answer when the endpoint produces none (embeddings, images, rerank).
     */
    public static long of(JsonNode request, boolean producesText, long defaultMaxOutput) {
        return forLimits(request, split(request, producesText, defaultMaxOutput));
    }

    /** What {@link #of} answers, from the request's {@link #split} already made: at least one token, none without a body. */
    public static long forLimits(JsonNode request, Tokens split) {
        return request == null ? 0 : Math.max(1, split.total());
    }

    /** The same estimate, as input and output tokens (what a reservation of the usage ledger books). */
    public static Tokens split(JsonNode request, boolean producesText, long defaultMaxOutput) {
        if (request == null) {
            return Tokens.NONE;
        }
        long chars = PromptSize.chars(request) + inputChars(request.path("input")) + request.path("prompt").asText("").length()
                + request.path("query").asText("").length() + inputChars(request.path("documents"));
        long input = Tokens.estimate(chars);
        if (!producesText) {
            return Tokens.of(input, 0);
        }
        long output = defaultMaxOutput;
        for (String field : new String[] { "max_completion_tokens", "max_tokens" }) {
            JsonNode value = request.get(field);
            if (value != null && value.canConvertToLong() && value.asLong() > 0) {
                output = value.asLong();
                break;
            }
        }
        return Tokens.of(input, output);
    }

    private static long inputChars(JsonNode input) {
        if (input.isTextual()) {
            return input.asText().length();
        }
        long chars = 0;
        for (JsonNode item : input) {
            chars += item.isTextual() ? item.asText().length() : item.path("text").asText("").length();
        }
        return chars;
    }
}
