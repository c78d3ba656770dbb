package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class ControlApiTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HI = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

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
    void reportsHealthWithoutAKey() {
        HttpResponse<String> response = client.get("/_sim/health");

        assertEquals(200, response.statusCode());
        assertEquals("UP", SimulatorClient.json(response.body()).get("status").asText());
    }

    @Test
    void queuesAFaultDescribedInJson() {
        HttpResponse<String> queued = client.postRaw("/_sim/faults",
                "{\"kind\":\"status\",\"status\":503,\"path\":\"/v1/chat/completions\",\"times\":2,\"headers\":{\"Retry-After\":\"1\"}}");

        assertEquals(200, queued.statusCode());
        JsonNode fault = SimulatorClient.json(queued.body()).get("queued").get(0);
        assertEquals("STATUS", fault.get("kind").asText());
        assertEquals(2, fault.get("times").asInt());
        assertEquals(1, simulator.pendingFaults().size());
        HttpResponse<String> faulted = client.post(CHAT, HI);
        assertEquals(503, faulted.statusCode());
        assertEquals("1", faulted.headers().firstValue("retry-after").orElseThrow());
        assertEquals(1, SimulatorClient.json(client.get("/_sim/faults").body()).get(0).get("times").asInt());
    }

    @Test
    void queuesSeveralFaultsFromAnArray() {
        client.postRaw("/_sim/faults", "[{\"kind\":\"CUT_AFTER_EVENTS\",\"events\":3},{\"kind\":\"HTML_403\"}]");

        assertEquals(2, simulator.pendingFaults().size());
        assertEquals(Fault.cutAfterEvents(3), simulator.pendingFaults().get(0));
        assertEquals(Fault.html403(), simulator.pendingFaults().get(1));
    }

    @Test
    void rejectsAnUnknownFaultKind() {
        HttpResponse<String> response = client.postRaw("/_sim/faults", "{\"kind\":\"METEOR\"}");

        assertEquals(400, response.statusCode());
        assertTrue(simulator.pendingFaults().isEmpty());
        assertEquals(400, client.postRaw("/_sim/faults", "{\"kind\":\"STATUS\",\"status\":42}").statusCode());
        assertEquals(400, client.postRaw("/_sim/faults", "not json").statusCode());
    }

    @Test
    void listsRecordedRequestsAsJsonAndLeavesControlCallsOut() {
        client.post(CHAT, HI, "x-trace", "t-1");
        client.get("/available-models");

        JsonNode all = SimulatorClient.json(client.get("/_sim/requests").body());
        JsonNode chat = SimulatorClient.json(client.get("/_sim/requests?path=/v1/chat/completions").body());

        assertEquals(2, all.size());
        assertEquals(1, chat.size());
        JsonNode record = chat.get(0);
        assertEquals(1, record.get("sequence").asInt());
        assertEquals("POST", record.get("method").asText());
        assertEquals(CHAT, record.get("path").asText());
        assertTrue(record.get("query").isNull());
        assertEquals("t-1", record.get("headers").get("x-trace").asText());
        assertEquals(HI, record.get("body").asText());
        assertTrue(record.get("time").asText().endsWith("Z"));
        assertEquals("COMPLETED", record.get("outcome").asText());
        assertEquals(200, record.get("status").asInt());
        assertTrue(record.get("fault").isNull());
        assertEquals(1, SimulatorClient.json(client.get("/_sim/counts").body()).get(CHAT).asInt());
    }

    @Test
    void resetsOverHttp() {
        client.post(CHAT, HI);
        simulator.enqueue(Fault.status(500));

        HttpResponse<String> response = client.postRaw("/_sim/reset", "");

        assertEquals(204, response.statusCode());
        assertTrue(simulator.requests().isEmpty());
        assertTrue(simulator.pendingFaults().isEmpty());
    }

    @Test
    void overridesOptionsOverHttpUntilReset() {
        HttpResponse<String> response = client.postRaw("/_sim/options",
                "{\"replyTokens\":3,\"usageMode\":\"ON_FINAL_CHUNK\",\"limitOverrides\":{\"claude-4-5-haiku\":{\"requestsPerMinute\":7,\"tokensPerMinute\":900}}}");

        assertEquals(200, response.statusCode());
        assertEquals(3, SimulatorClient.json(response.body()).get("replyTokens").asInt());
        assertEquals(UsageMode.ON_FINAL_CHUNK, simulator.options().usageMode());
        HttpResponse<String> chat = client.post(CHAT, HI);
        assertEquals(3, SimulatorClient.json(chat.body()).get("usage").get("completion_tokens").asInt());
        assertEquals("7", chat.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertEquals(400, client.postRaw("/_sim/options", "{\"replyTokens\":0}").statusCode());

        client.postRaw("/_sim/reset", "");

        assertEquals(12, SimulatorClient.json(client.get("/_sim/options").body()).get("replyTokens").asInt());
    }

    @Test
    void answersUnknownControlRoutesWith404() {
        assertEquals(404, client.get("/_sim/nothing").statusCode());
    }
}
