package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class CatalogTest {

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

    @Test
    void listsEveryKnownModelWithoutAKey() {
        HttpResponse<String> response = client.get("/available-models");

        assertEquals(200, response.statusCode());
        JsonNode models = SimulatorClient.json(response.body());
        List<String> ids = new ArrayList<>();
        models.forEach(model -> ids.add(model.get("model_id").asText()));
        assertEquals(SimulatedModels.ALL.stream().map(SimulatedModels.Model::id).toList(), ids);
        JsonNode embed = models.get(ids.indexOf("cohere-embed-multilingual"));
        assertEquals("text-to-embedding", embed.get("type").get(0).asText());
        assertEquals("us-east-1", embed.get("regions").get(0).asText());
        assertEquals("text-to-ranking", models.get(ids.indexOf("amazon-rerank-1-0")).get("type").get(0).asText());
    }

    @Test
    void listsTheFixtureMcpServer() {
        HttpResponse<String> response = client.getWithKey("/v1/mcp/servers");

        assertEquals(200, response.statusCode());
        JsonNode servers = SimulatorClient.json(response.body());
        assertEquals(1, servers.size());
        JsonNode server = servers.get(0);
        assertEquals("registered", server.get("server_status").asText());
        assertTrue(server.get("process_type").asText().startsWith("mcp"));
        JsonNode tool = server.get("tools").get(0);
        assertEquals(server.get("namespace").asText() + "/" + tool.get("name").asText(),
                tool.get("namespaced_name").asText());
    }

    @Test
    void listsNoMcpServerWhenTheFixtureIsOff() {
        simulator.override(o -> o.mcpServers(false));

        assertEquals("[]", client.getWithKey("/v1/mcp/servers").body());
    }

    @Test
    void mcpServersNeedAKey() {
        assertEquals(401, client.get("/v1/mcp/servers").statusCode());
    }

    @Test
    void answersModelsListingAndUnknownRoutesWith404InTheHerokuEnvelope() {
        for (HttpResponse<String> response : List.of(client.getWithKey("/v1/models"), client.get("/nope"),
                client.getWithKey("/v1/chat/completions"), client.post("/v1/completions", "{}"))) {
            assertEquals(404, response.statusCode());
            JsonNode error = SimulatorClient.json(response.body()).get("error");
            assertEquals(404, error.get("code").asInt());
            assertEquals("invalid_request_error", error.get("type").asText());
            assertTrue(response.headers().firstValue("x-request-id").isPresent());
        }
    }
}
