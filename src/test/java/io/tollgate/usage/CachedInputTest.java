package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Cached prompt tokens in every form an upstream may report them, JSON and streamed. */
class CachedInputTest {

    private final ObjectMapper mapper = new ObjectMapper();

    JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void openAiFormsOfCachedPromptTokensAreRead() throws Exception {
        String[] forms = { "\"prompt_tokens_details\":{\"cached_tokens\":60}",
                "\"input_tokens_details\":{\"cached_tokens\":60}", "\"cached_input_tokens\":60" };
        for (String form : forms) {
            Tokens t = UsageExtractor.fromJson(UsageFormat.CHAT,
                    json("{\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":5,\"total_tokens\":105," + form + "}}"));
            assertEquals(new Tokens(100, 5, 105, 0, 0, 60), t, form);
        }
        Tokens none = UsageExtractor.fromJson(UsageFormat.CHAT,
                json("{\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":5}}"));
        assertEquals(0, none.cachedInput());
        Tokens tooMany = UsageExtractor.fromJson(UsageFormat.CHAT,
                json("{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"cached_input_tokens\":60}}"));
        assertEquals(10, tooMany.cachedInput(), "never more cached than input");
    }

    @Test
    void anthropicCacheReadsAreCachedInputAndEveryInputCounts() throws Exception {
        Tokens t = UsageExtractor.fromJson(UsageFormat.MESSAGES, json("{\"usage\":{\"input_tokens\":25,"
                + "\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":65,\"output_tokens\":7}}"));
        assertEquals(Tokens.of(100, 7, 65), t);
    }

    @Test
    void streamsCarryTheCachedTokensOfTheirUsage() {
        StreamUsage chat = StreamUsage.of(UsageFormat.CHAT, false, 0, mapper);
        chat.onEvent(null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":3,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":80}}}");
        chat.onEvent(null, "[DONE]");
        assertEquals(80, chat.tokens().cachedInput());

        StreamUsage messages = StreamUsage.of(UsageFormat.MESSAGES, false, 0, mapper);
        messages.onEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":20,"
                + "\"cache_read_input_tokens\":80,\"output_tokens\":1}}}");
        messages.onEvent("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9}}");
        messages.onEvent("message_stop", "{\"type\":\"message_stop\"}");
        assertEquals(Tokens.of(100, 9, 80), messages.tokens());

        StreamUsage agents = StreamUsage.of(UsageFormat.AGENTS, false, 0, mapper);
        agents.onEvent("message", "{\"object\":\"chat.completion\",\"usage\":{\"prompt_tokens\":50,"
                + "\"completion_tokens\":2,\"cached_input_tokens\":30}}");
        agents.onEvent("message", "{\"object\":\"chat.completion\",\"usage\":{\"prompt_tokens\":70,"
                + "\"completion_tokens\":4,\"cached_input_tokens\":50}}");
        assertEquals(Tokens.of(120, 6, 80), agents.tokens());
    }
}
