package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tollgate.simulator.TokenCount;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/** Every Heroku AI endpoint, forwarded and metered. */
@QuarkusTest
class EndpointForwardingTest {

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

    private Response post(String path, String body) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(body).post(path);
    }

    @Test
    void embeddingsAreForwardedAndTheirTokensRecorded() {
        Response response = post("/v1/embeddings",
                "{\"model\":\"cohere-embed-multilingual\",\"input\":[\"first text\",\"second text\"]}");
        response.then().statusCode(200).body("data", hasSize(2)).body("data[0].embedding", hasSize(1024));
        Row row = gateway.usageRow(response.header("x-request-id"));
        long expected = TokenCount.of("first text") + TokenCount.of("second text");
        assertEquals(expected, row.getLong("input_tokens"));
        assertEquals(expected, row.getLong("total_tokens"));
        assertEquals("embeddings", row.getString("endpoint"));
    }

    @Test
    void embeddingsAskedAsBase64ComeBackAsLittleEndianFloat32() {
        Response raw = post("/v1/embeddings", "{\"model\":\"cohere-embed-multilingual\",\"input\":\"same text\"}");
        Response b64 = post("/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"same text\",\"encoding_format\":\"base64\"}");
        b64.then().statusCode(200);
        List<Float> floats = raw.path("data[0].embedding");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) b64.path("data[0].embedding")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(floats.size() * 4, bytes.remaining());
        for (Float f : floats) {
            assertEquals(f, bytes.getFloat(), 1e-6);
        }
        // the upstream was asked for raw floats, whose layout is documented
        String sent = gateway.simulator().requests("/v1/embeddings").get(1).body();
        assertTrue(sent.contains("\"encoding_format\":\"raw\""), sent);
    }

    @Test
    void imagesAreForwardedAndCountedAsImages() {
        Response response = post("/v1/images/generations", "{\"model\":\"dall-e-3\",\"prompt\":\"a lighthouse\"}");
        response.then().statusCode(200).body("data", hasSize(1));
        assertFalse(((String) response.path("data[0].b64_json")).isEmpty());
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals(1, row.getInteger("images"));
        assertEquals("stable-image-ultra", row.getString("upstream_model"));
    }

    @Test
    void rerankIsForwardedAndItsSearchUnitsRecorded() {
        Response response = post("/v1/rerank", "{\"model\":\"cohere-rerank-3-5\",\"query\":\"pooling\","
                + "\"documents\":[\"Pooling reuses connections.\",\"Metrics show health.\",\"Size the pool.\"],\"top_n\":2}");
        response.then().statusCode(200).body("results", hasSize(2));
        int units = response.path("meta.billed_units.search_units");
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals(units, row.getInteger("search_units"));
        assertTrue(units >= 1);
    }

    @Test
    void anthropicMessagesAreForwardedWithTheUpstreamKeyInXApiKey() {
        Response response = given().header("x-api-key", key).header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        response.then().statusCode(200).body("type", equalTo("message"));
        var upstream = gateway.simulator().requests("/v1/messages").get(0);
        assertEquals(gateway.simulator().key(), upstream.header("x-api-key"));
        assertEquals("2023-06-01", upstream.header("anthropic-version"));
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals((int) response.path("usage.input_tokens"), row.getLong("input_tokens"));
        assertEquals((int) response.path("usage.output_tokens"), row.getLong("output_tokens"));
    }

    @Test
    void anthropicStreamIsRelayedAndMeteredFromMessageStartAndDelta() throws Exception {
        Sse.Result result = Sse.post("/v1/messages", key,
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, result.status());
        List<Sse.Event> events = result.events();
        assertEquals("message_start", events.get(0).event());
        assertEquals("message_stop", events.get(events.size() - 1).event());
        JsonNode start = mapper.readTree(events.get(0).data());
        JsonNode delta = null;
        for (Sse.Event e : events) {
            if ("message_delta".equals(e.event())) {
                delta = mapper.readTree(e.data());
            }
        }
        Row row = gateway.usageRow(result.requestId());
        assertEquals(start.path("message").path("usage").path("input_tokens").asLong(), row.getLong("input_tokens"));
        assertEquals(delta.path("usage").path("output_tokens").asLong(), row.getLong("output_tokens"));
        assertTrue(row.getBoolean("completed"));
    }

    @Test
    void agentStreamIsRelayedAndItsInferencesSummed() throws Exception {
        Sse.Result result = Sse.post("/v1/agents/heroku", key,
                "{\"model\":\"claude-4-5-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2^10?\"}],"
                        + "\"tools\":[{\"type\":\"heroku_tool\",\"name\":\"code_exec_python\"}]}");
        assertEquals(200, result.status());
        long input = 0;
        long output = 0;
        for (Sse.Event e : result.events()) {
            if ("message".equals(e.event())) {
                JsonNode node = mapper.readTree(e.data());
                if ("chat.completion".equals(node.path("object").asText())) {
                    input += node.path("usage").path("prompt_tokens").asLong();
                    output += node.path("usage").path("completion_tokens").asLong();
                }
            }
        }
        assertTrue(input > 0 && output > 0);
        assertEquals("done", result.events().get(result.events().size() - 1).event());
        Row row = gateway.usageRow(result.requestId());
        assertEquals(input, row.getLong("input_tokens"));
        assertEquals(output, row.getLong("output_tokens"));
        assertTrue(row.getBoolean("streamed"));
    }

    @Test
    void mcpServersAreListedFromTheUpstream() {
        Response response = given().header("Authorization", "Bearer " + key).get("/v1/mcp/servers");
        response.then().statusCode(200);
        List<Map<String, Object>> servers = response.jsonPath().getList("$");
        assertFalse(servers.isEmpty());
        assertEquals("Bearer " + gateway.simulator().key(),
                gateway.simulator().requests("/v1/mcp/servers").get(0).header("authorization"));
        Row row = gateway.usageRow(response.header("x-request-id"));
        assertEquals("mcp/servers", row.getString("endpoint"));
    }

    @Test
    void modelsListsWhatTheKeyMayUseWithAliases() {
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", org.hamcrest.Matchers.hasItems("claude-4-5-sonnet", "gpt-4o", "cohere-rerank-3-5"));
        given().header("Authorization", "Bearer " + key).get("/v1/models/gpt-4o").then().statusCode(200)
                .body("id", equalTo("gpt-4o"));
        given().header("Authorization", "Bearer " + key).get("/v1/models/no-such-model").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
    }
}
