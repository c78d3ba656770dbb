package io.tollgate.usage;

import com.fasterxml.jackson.databind.JsonNode;

/** Usage from a complete (non-streamed) JSON response, per endpoint format. Lenient: absent fields count zero. */
public final class UsageExtractor {

    private UsageExtractor() {
    }

    public static Tokens fromJson(UsageFormat format, JsonNode body) {
        if (body == null || !body.isObject()) {
            return Tokens.NONE;
        }
        JsonNode usage = body.path("usage");
        return switch (format) {
            case CHAT, AGENTS -> openAi(usage);
            case EMBEDDINGS -> {
                long input = usage.path("prompt_tokens").asLong(0);
                long total = usage.path("total_tokens").asLong(input);
                yield new Tokens(input, 0, Math.max(total, input), 0, 0, 0);
            }
            case IMAGES -> {
                JsonNode data = body.path("data");
                yield new Tokens(0, 0, 0, data.isArray() ? data.size() : 0, 0, 0);
            }
            case RERANK -> new Tokens(0, 0, 0, 0, body.path("meta").path("billed_units").path("search_units").asInt(0), 0);
            case MESSAGES -> anthropic(usage);
            case NONE -> Tokens.NONE;
        };
    }

    static Tokens openAi(JsonNode usage) {
        long input = usage.path("prompt_tokens").asLong(0);
        long output = usage.path("completion_tokens").asLong(0);
        long total = usage.path("total_tokens").asLong(input + output);
        return new Tokens(input, output, total, 0, 0, Math.min(input, openAiCached(usage)));
    }

    /**
     * Cached prompt tokens, part of {@code prompt_tokens}. Heroku does not document a field for them: every form
     * seen is read, OpenAI's {@code prompt_tokens_details.cached_tokens} and {@code input_tokens_details.cached_tokens},
     * and the {@code cached_input_tokens} a third-party Heroku SDK reads.
     */
    static long openAiCached(JsonNode usage) {
        return Math.max(usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                Math.max(usage.path("input_tokens_details").path("cached_tokens").asLong(0),
                        usage.path("cached_input_tokens").asLong(0)));
    }

    /** Anthropic counts cached input apart; all of it is input. */
    static long anthropicInput(JsonNode usage) {
        return usage.path("input_tokens").asLong(0)
                + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
    }

    /**
     * Anthropic's cache reads, priced at the cached-input price. Cache writes ({@code cache_creation_input_tokens})
     * are billed as ordinary input: the price book has no separate price for them.
     */
    static long anthropicCached(JsonNode usage) {
        return usage.path("cache_read_input_tokens").asLong(0);
    }

    static Tokens anthropic(JsonNode usage) {
        return Tokens.of(anthropicInput(usage), usage.path("output_tokens").asLong(0), anthropicCached(usage));
    }
}
