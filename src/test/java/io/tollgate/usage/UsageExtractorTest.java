package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Usage read from an answer's bytes (the hot path) finds what the whole tree finds, in every endpoint's format. */
class UsageExtractorTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private Tokens read(UsageFormat format, String body) throws IOException {
        try (JsonParser parser = mapper.createParser(body)) {
            return UsageExtractor.read(format, parser);
        }
    }

    private void sameAsTree(UsageFormat format, String body, Tokens expected) throws IOException {
        assertEquals(expected, UsageExtractor.fromJson(format, mapper.readTree(body)), "tree: " + body);
        assertEquals(expected, read(format, body), "bytes: " + body);
    }

    @Test
    void everyFormatReadsTheSameTokensAsTheTree() throws IOException {
        sameAsTree(UsageFormat.CHAT, """
                {"id":"c1","choices":[{"message":{"role":"assistant","content":"usage: {\\"prompt_tokens\\":1}"},
                 "usage":{"prompt_tokens":999}}],
                 "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,
                          "prompt_tokens_details":{"cached_tokens":4}},"model":"m"}""",
                new Tokens(12, 5, 17, 0, 0, 4));
        sameAsTree(UsageFormat.AGENTS, """
                {"object":"chat.completion","usage":{"prompt_tokens":3,"completion_tokens":2}}""",
                new Tokens(3, 2, 5, 0, 0, 0));
        sameAsTree(UsageFormat.EMBEDDINGS, """
                {"data":[{"embedding":[0.1,0.2],"index":0}],"usage":{"prompt_tokens":8,"total_tokens":8}}""",
                new Tokens(8, 0, 8, 0, 0, 0));
        sameAsTree(UsageFormat.IMAGES, """
                {"created":1,"data":[{"b64_json":"AAAA"},{"url":"https://x"},{"b64_json":"BBBB"}]}""",
                new Tokens(0, 0, 0, 3, 0, 0));
        sameAsTree(UsageFormat.RERANK, """
                {"results":[{"index":1,"relevance_score":0.9}],"meta":{"billed_units":{"search_units":2}}}""",
                new Tokens(0, 0, 0, 0, 2, 0));
        sameAsTree(UsageFormat.MESSAGES, """
                {"content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":10,"output_tokens":4,
                 "cache_creation_input_tokens":2,"cache_read_input_tokens":3}}""",
                Tokens.of(15, 4, 3));
    }

    @Test
    void whatCarriesNoUsageCountsNothing() throws IOException {
        sameAsTree(UsageFormat.CHAT, "{\"id\":\"c1\",\"choices\":[]}", Tokens.NONE);
        sameAsTree(UsageFormat.CHAT, "[{\"usage\":{\"prompt_tokens\":1}}]", Tokens.NONE);
        sameAsTree(UsageFormat.CHAT, "{\"usage\":null}", new Tokens(0, 0, 0, 0, 0, 0));
        sameAsTree(UsageFormat.IMAGES, "{\"data\":\"not a list\"}", new Tokens(0, 0, 0, 0, 0, 0));
        sameAsTree(UsageFormat.NONE, "{\"usage\":{\"prompt_tokens\":1}}", Tokens.NONE);
    }

    @Test
    void aBodyThatIsNotJsonIsAnError() {
        assertThrows(IOException.class, () -> read(UsageFormat.CHAT, "{\"usage\":{\"prompt_tokens\":1}"));
        assertThrows(IOException.class, () -> read(UsageFormat.CHAT, "{\"choices\":[1,2"));
        assertThrows(IOException.class, () -> read(UsageFormat.CHAT, "{oops}"));
    }
}
