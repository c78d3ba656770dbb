package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class ChatCompletionsTest {

    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, simulator\"}]%s}";

    @Inject
    Gateway gateway;
    @Inject
    ObjectMapper mapper;

    String key;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newKeySecret();
    }

    @Test
    void forwardsChatCompletionAndRecordsItsUsage() {
        Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(CHAT.formatted("claude-4-5-haiku", ""))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("usage.prompt_tokens", notNullValue())
                .header("x-request-id", notNullValue())
                .extract().response();
        int prompt = response.path("usage.prompt_tokens");
        int completion = response.path("usage.completion_tokens");

        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals("chat/completions", row.getString("endpoint"));
        assertEquals("claude-4-5-haiku", row.getString("upstream_model"));
        assertEquals(200, row.getInteger("status"));
        assertEquals(prompt, row.getLong("input_tokens"));
        assertEquals(completion, row.getLong("output_tokens"));
        assertEquals(prompt + completion, row.getLong("total_tokens"));
        assertFalse(row.getBoolean("streamed"));
        assertTrue(row.getBoolean("completed"));
    }

    @Test
    void mapsOpenAiModelNamesToHerokuModels() {
        Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(CHAT.formatted("gpt-4o", ""))
                .post("/v1/chat/completions").then().statusCode(200).extract().response();

        RecordedRequest upstream = gateway.simulator().requests("/v1/chat/completions").get(0);
        assertEquals("claude-4-5-sonnet", readTree(upstream.body()).path("model").asText());
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals("gpt-4o", row.getString("requested_model"));
        assertEquals("claude-4-5-sonnet", row.getString("upstream_model"));
    }

    @Test
    void streamWithoutIncludeUsageIsBilledButTheClientSeesNoUsage() throws Exception {
        Sse.Result result = Sse.post("/v1/chat/completions", key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"));
        assertEquals(200, result.status());
        assertTrue(result.contentType().startsWith("text/event-stream"));
        assertEquals("[DONE]", result.events().get(result.events().size() - 1).data());
        for (Sse.Event event : result.events()) {
            if (!event.data().equals("[DONE]")) {
                JsonNode chunk = readTree(event.data());
                assertFalse(chunk.path("choices").isEmpty(), "the usage-only chunk must not reach the client");
                assertTrue(chunk.path("usage").isMissingNode() || chunk.path("usage").isNull(),
                        "no usage on any chunk: " + event.data());
            }
        }
        // tollgate asked the upstream for usage
        JsonNode sent = readTree(gateway.simulator().requests("/v1/chat/completions").get(0).body());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean());

        Row row = gateway.usageRow(result.requestId());
        assertTrue(row.getBoolean("streamed"));
        assertTrue(row.getBoolean("completed"));
        assertEquals(12, row.getLong("output_tokens"), "the simulator's default reply is 12 tokens");
        assertTrue(row.getLong("input_tokens") > 0);
    }

    @Test
    void streamWithIncludeUsageKeepsTheUsageChunk() throws Exception {
        Sse.Result result = Sse.post("/v1/chat/completions", key,
                CHAT.formatted("claude-4-5-haiku", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        List<Sse.Event> events = result.events();
        JsonNode usageChunk = readTree(events.get(events.size() - 2).data());
        assertTrue(usageChunk.path("choices").isEmpty());
        long completion = usageChunk.path("usage").path("completion_tokens").asLong();
        assertEquals(12, completion);

        Row row = gateway.usageRow(result.requestId());
        assertEquals(completion, row.getLong("output_tokens"));
        assertEquals(usageChunk.path("usage").path("prompt_tokens").asLong(), row.getLong("input_tokens"));
    }

    @Test
    void streamsEventsAsTheyArriveNotBufferedWhole() throws Exception {
        // 12 events 150 ms apart: the first must arrive long before the last is sent
        Sse.Timed timed = Sse.postTimed("/v1/chat/completions", key, CHAT.formatted("claude-4-5-haiku", ",\"stream\":true"),
                java.util.Map.of("x-sim-chunk-delay-ms", "150"));
        assertTrue(timed.lastEventMillis() - timed.firstEventMillis() >= 1000,
                "events were spread over time: first at " + timed.firstEventMillis() + " ms, last at "
                        + timed.lastEventMillis() + " ms");
    }

    @Test
    void everyResponseCarriesItsOwnRequestIdNotTheUpstreams() {
        Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(CHAT.formatted("claude-4-5-haiku", "")).post("/v1/chat/completions");
        String id = response.header("x-request-id");
        assertNotNull(id);
        assertTrue(id.startsWith("req_"), id);
        assertNotNull(response.header("x-upstream-request-id"));
        assertFalse(id.equals(response.header("x-upstream-request-id")));
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
