package io.tollgate.proxy.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ResponseObjectTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aFunctionCallCutAtTheTokenLimitIsIncompleteLikeItsResponse() throws JsonProcessingException {
        JsonNode response = fromCompletion("{\"content\":\"Let me check.\",\"tool_calls\":[{\"id\":\"tooluse_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"ci\"}}]}", "length");

        assertEquals("incomplete", response.path("status").asText());
        assertEquals("max_output_tokens", response.path("incomplete_details").path("reason").asText());
        assertEquals("incomplete", response.path("output").get(0).path("status").asText());
        assertEquals("function_call", response.path("output").get(1).path("type").asText());
        assertEquals("incomplete", response.path("output").get(1).path("status").asText());
    }

    @Test
    void aWholeAnswersItemsAreCompleted() throws JsonProcessingException {
        JsonNode response = fromCompletion("{\"content\":\"\",\"tool_calls\":[{\"id\":\"tooluse_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]}", "tool_calls");

        assertEquals("completed", response.path("status").asText());
        assertEquals(1, response.path("output").size(), "no empty message beside the call");
        assertEquals("completed", response.path("output").get(0).path("status").asText());
    }

    private JsonNode fromCompletion(String message, String finishReason) throws JsonProcessingException {
        JsonNode completion = mapper.readTree("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"claude-4-5-haiku\",\"choices\":[{\"index\":0,\"message\":" + message
                + ",\"finish_reason\":\"" + finishReason + "\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}");
        ObjectNode echo = ResponsesInput.of((ObjectNode) mapper.readTree(
                "{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\"}")).echo();
        return ResponseObject.fromCompletion(echo, "req_0123", 1L, completion, "claude-4-5-haiku");
    }
}
