package io.tollgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class TokenEstimateTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void reservesThePromptAndTheMostTheAnswerMayUse() throws Exception {
        // 16 characters: 4 tokens
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"abcdefghijklmnop\"}]";
        assertEquals(4 + 200, TokenEstimate.of(json("{" + messages + ",\"max_tokens\":200}"), true, 1024));
        assertEquals(4 + 50, TokenEstimate.of(json("{" + messages + ",\"max_completion_tokens\":50,\"max_tokens\":200}"),
                true, 1024));
        assertEquals(4 + 1024, TokenEstimate.of(json("{" + messages + "}"), true, 1024), "the configured default");
    }

    @Test
    void embeddingsReserveTheirInputOnly() throws Exception {
        assertEquals(3, TokenEstimate.of(json("{\"input\":[\"abcd\",\"efgh\",\"ij\"]}"), false, 1024));
        assertEquals(1, TokenEstimate.of(json("{\"input\":\"\"}"), false, 1024), "at least one token");
        assertEquals(0, TokenEstimate.of(null, false, 1024), "no body (a GET)");
    }
}
