package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class EmbeddingsTest {

    private static final String PATH = "/v1/embeddings";

    private static HerokuSimulator simulator;
    private static SimulatorClient client;

    @BeforeAll
    static void start() {
        simulator = HerokuSimulator.start(SimulatorOptions.defaults());
        client = new SimulatorClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    private static String body(String input, String extra) {
        return "{\"model\":\"cohere-embed-multilingual\",\"input\":" + input + extra + "}";
    }

    @Test
    void answersRawVectorsOfTheDocumentedShape() {
        HttpResponse<String> response = client.post(PATH, body("[\"first text\",\"second, longer text\"]", ""));

        assertEquals(200, response.statusCode());
        JsonNode body = SimulatorClient.json(response.body());
        assertEquals("list", body.get("object").asText());
        assertEquals("cohere-embed-multilingual", body.get("model").asText());
        assertEquals(2, body.get("data").size());
        for (int i = 0; i < 2; i++) {
            JsonNode item = body.get("data").get(i);
            assertEquals("embedding", item.get("object").asText());
            assertEquals(i, item.get("index").asInt());
            assertEquals(SimulatedContent.EMBEDDING_DIMENSIONS, item.get("embedding").size());
        }
        float[] expected = SimulatedContent.embedding("first text");
        JsonNode first = body.get("data").get(0).get("embedding");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], first.get(i).floatValue());
        }
        int tokens = TokenCount.of("first text") + TokenCount.of("second, longer text");
        assertEquals(tokens, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(tokens, body.get("usage").get("total_tokens").asInt());
        assertTrue(response.headers().firstValue("x-ratelimit-limit-requests").orElseThrow().equals("500"));
    }

    @Test
    void vectorsAreDeterministicUnitLengthAndDifferPerText() {
        float[] a = SimulatedContent.embedding("same");
        assertArrayEquals(a, SimulatedContent.embedding("same"));
        assertNotEquals(a[0], SimulatedContent.embedding("other")[0]);
        double norm = 0;
        for (float value : a) {
            norm += value * value;
        }
        assertEquals(1.0, norm, 1e-4);
    }

    @Test
    void base64EncodingIsLittleEndianFloat32() {
        JsonNode body = SimulatorClient
                .json(client.post(PATH, body("\"encode me\"", ",\"encoding_format\":\"base64\"")).body());

        byte[] bytes = Base64.getDecoder().decode(body.get("data").get(0).get("embedding").asText());
        assertEquals(SimulatedContent.EMBEDDING_DIMENSIONS * 4, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = SimulatedContent.embedding("encode me");
        for (float value : expected) {
            assertEquals(value, buffer.getFloat());
        }
    }

    @Test
    void acceptsFloatEncodingLikeRawByDefault() {
        JsonNode body = SimulatorClient.json(client.post(PATH, body("\"x\"", ",\"encoding_format\":\"float\"")).body());

        assertTrue(body.get("data").get(0).get("embedding").isArray());
    }

    @Test
    void rejectsFloatEncodingWhenConfigured() {
        simulator.override(o -> o.rejectFloatEncoding(true));

        HttpResponse<String> response = client.post(PATH, body("\"x\"", ",\"encoding_format\":\"float\""));

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request_error", SimulatorClient.json(response.body()).get("error").get("type").asText());
    }

    @Test
    void rejectsMoreThan96Inputs() {
        String inputs = "[" + "\"a\",".repeat(96) + "\"a\"]";

        HttpResponse<String> response = client.post(PATH, body(inputs, ""));

        assertEquals(400, response.statusCode());
        assertEquals(400, SimulatorClient.json(response.body()).get("error").get("code").asInt());
    }

    @Test
    void accepts96InputsOfExactly2048Characters() {
        String input = "\"" + "x".repeat(2048) + "\"";
        String inputs = "[" + (input + ",").repeat(95) + input + "]";

        JsonNode body = SimulatorClient.json(client.post(PATH, body(inputs, "")).body());

        assertEquals(96, body.get("data").size());
        assertEquals(96 * 512, body.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void rejectsAnInputLongerThan2048Characters() {
        HttpResponse<String> response = client.post(PATH, body("\"" + "x".repeat(2049) + "\"", ""));

        assertEquals(400, response.statusCode());
    }

    @Test
    void rejectsAnUnknownEncodingAndAMissingInput() {
        assertEquals(400, client.post(PATH, body("\"x\"", ",\"encoding_format\":\"hex\"")).statusCode());
        assertEquals(400, client.post(PATH, "{\"model\":\"cohere-embed-multilingual\"}").statusCode());
        assertEquals(400, client.post(PATH, body("[]", "")).statusCode());
        assertEquals(400, client.post(PATH, body("\"x\"", ",\"input_type\":\"poetry\"")).statusCode());
    }

    @Test
    void rejectsAChatModel() {
        HttpResponse<String> response = client.post(PATH, "{\"model\":\"claude-4-5-haiku\",\"input\":\"x\"}");

        assertEquals(400, response.statusCode());
    }
}
