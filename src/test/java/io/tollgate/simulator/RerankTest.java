package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class RerankTest {

    private static final String PATH = "/v1/rerank";
    private static final String DOCUMENTS = "[\"Pooling reuses connections.\",\"Metrics show app health.\","
            + "\"Size the connection pool per dyno.\"]";

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

    private static String body(String documents, String extra) {
        return "{\"model\":\"cohere-rerank-3-5\",\"query\":\"How do I size connection pool?\",\"documents\":" + documents
                + extra + "}";
    }

    @Test
    void ranksDocumentsByDeterministicRelevance() {
        HttpResponse<String> response = client.post(PATH, body(DOCUMENTS, ""));

        assertEquals(200, response.statusCode());
        JsonNode body = SimulatorClient.json(response.body());
        assertTrue(body.get("id").asText().matches("[0-9a-f-]{36}"));
        JsonNode results = body.get("results");
        assertEquals(3, results.size());
        // the third document shares the most words with the query
        assertEquals(2, results.get(0).get("index").asInt());
        for (int i = 0; i < results.size(); i++) {
            JsonNode result = results.get(i);
            assertEquals(SimulatedContent.relevance("How do I size connection pool?",
                    SimulatorClient.json(DOCUMENTS).get(result.get("index").asInt()).asText()),
                    result.get("relevance_score").asDouble());
            if (i > 0) {
                assertTrue(results.get(i - 1).get("relevance_score").asDouble() >= result.get("relevance_score")
                        .asDouble());
            }
        }
        assertFalse(body.has("usage"));
        assertEquals(1, body.get("meta").get("billed_units").get("search_units").asInt());
        assertEquals("250", response.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
    }

    @Test
    void keepsOnlyTopN() {
        JsonNode body = SimulatorClient.json(client.post(PATH, body(DOCUMENTS, ",\"top_n\":2")).body());

        assertEquals(2, body.get("results").size());
        assertEquals(2, body.get("results").get(0).get("index").asInt());
    }

    @Test
    void billsOneSearchUnitPerHundredDocuments() {
        String documents = "[" + "\"doc\",".repeat(100) + "\"doc\"]";

        JsonNode body = SimulatorClient.json(client.post(PATH, body(documents, "")).body());

        assertEquals(2, body.get("meta").get("billed_units").get("search_units").asInt());
    }

    @Test
    void rejectsMoreThan1000Documents() {
        String documents = "[" + "\"doc\",".repeat(1000) + "\"doc\"]";

        HttpResponse<String> response = client.post(PATH, body(documents, ""));

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request_error", SimulatorClient.json(response.body()).get("error").get("type").asText());
    }

    @Test
    void rejectsMissingQueryOrDocuments() {
        assertEquals(400, client.post(PATH, "{\"model\":\"amazon-rerank-1-0\",\"documents\":[\"a\"]}").statusCode());
        assertEquals(400, client.post(PATH, "{\"model\":\"amazon-rerank-1-0\",\"query\":\"q\"}").statusCode());
        assertEquals(400, client.post(PATH, body("[]", "")).statusCode());
        assertEquals(400, client.post(PATH, body(DOCUMENTS, ",\"top_n\":0")).statusCode());
    }
}
