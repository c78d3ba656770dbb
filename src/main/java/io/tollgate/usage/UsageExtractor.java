package io.tollgate.usage;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** Usage from a complete (non-streamed) JSON response, per endpoint format. Lenient: absent fields count zero. */
public final class UsageExtractor {

    private UsageExtractor() {
    }

    public static Tokens fromJson(UsageFormat format, JsonNode body) {
        if (body == null || !body.isObject()) {
            return Tokens.NONE;
        }
        JsonNode data = body.path("data");
        return tokens(format, body.path("usage"), body.path("meta"), data.isArray() ? data.size() : 0);
    }

    /**
     * The same as {@link #fromJson} read straight from the answer's bytes: only the top-level fields that carry usage
     * ({@code usage}, {@code meta}, the count of {@code data}) become nodes; the rest (the generated text, embedding
     * vectors, images) is skipped token by token. A parse error means the body is not JSON.
     *
     * @param parser a parser with a codec (from the application's {@code ObjectMapper}), positioned before the body
     * @throws IOException when the body is not JSON
     */
    public static Tokens read(UsageFormat format, JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Tokens.NONE;
        }
        JsonNode usage = MissingNode.getInstance();
        JsonNode meta = MissingNode.getInstance();
        int images = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("usage")) {
                usage = parser.readValueAsTree();
            } else if (name.equals("meta") && format == UsageFormat.RERANK) {
                meta = parser.readValueAsTree();
            } else if (name.equals("data") && format == UsageFormat.IMAGES && value == JsonToken.START_ARRAY) {
                images = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    images++;
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
        return tokens(format, usage, meta, images);
    }

    private static Tokens tokens(UsageFormat format, JsonNode usage, JsonNode meta, int images) {
        return switch (format) {
            case CHAT, AGENTS -> openAi(usage);
            case EMBEDDINGS -> {
                long input = usage.path("prompt_tokens").asLong(0);
                long total = usage.path("total_tokens").asLong(input);
                yield new Tokens(input, 0, Math.max(total, input), 0, 0, 0);
            }
            case IMAGES -> new Tokens(0, 0, 0, images, 0, 0);
            case RERANK -> new Tokens(0, 0, 0, 0, meta.path("billed_units").path("search_units").asInt(0), 0);
            case MESSAGES -> anthropic(usage);
            case NONE -> Tokens.NONE;
        };
    }

    static Tokens openAi(JsonNode usage) {
        long input = usage.path("prompt_tokens").asLong(0);
        long output = usage.path("completion_tokens").asLong(0);
        long total = usage.path("total_tokens").asLong(input + output);
        return new Tokens(input, output, total, 0, 0, openAiCached(usage));
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
