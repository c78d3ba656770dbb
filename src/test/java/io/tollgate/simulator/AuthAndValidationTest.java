package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class AuthAndValidationTest {

    private static final String PATH = "/v1/chat/completions";
    private static final String SCOPED_KEY = "inf-22222222-2222-4222-8222-222222222222";
    private static final String VALID = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static HerokuSimulator simulator;
    private static SimulatorClient client;

    @BeforeAll
    static void start() {
        simulator = HerokuSimulator.start(SimulatorOptions.builder().allowModels(SCOPED_KEY, "claude-4-5-sonnet").build());
        client = new SimulatorClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static JsonNode error(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode error = SimulatorClient.json(response.body()).get("error");
        assertEquals(status, error.get("code").asInt());
        assertEquals(type, error.get("type").asText());
        assertTrue(error.get("message").isTextual());
        return error;
    }

    @Test
    void rejectsAMissingKey() {
        error(client.postRaw(PATH, VALID), 401, "authentication_error");
    }

    @Test
    void rejectsAWellFormedKeyThatIsNotConfigured() {
        error(client.postRaw(PATH, VALID, "authorization", "Bearer inf-99999999-9999-4999-8999-999999999999"), 401,
                "authentication_error");
    }

    @Test
    void rejectsANonBearerScheme() {
        error(client.postRaw(PATH, VALID, "authorization", "Basic " + simulator.key()), 401, "authentication_error");
    }

    @Test
    void rejectsXApiKeyOutsideMessages() {
        error(client.postRaw(PATH, VALID, "x-api-key", simulator.key()), 401, "authentication_error");
    }

    @Test
    void acceptsTheDefaultKeyForEveryModel() {
        assertEquals(200, client.post(PATH, VALID).statusCode());
        assertEquals(SimulatorOptions.DEFAULT_KEY, simulator.key());
    }

    @Test
    void rejectsAKeyThatMayNotUseTheModel() {
        JsonNode error = error(client.postRaw(PATH, VALID, "authorization", "Bearer " + SCOPED_KEY), 403,
                "authorization_error");

        assertEquals("You do not have access to that model", error.get("message").asText());
        assertEquals(200, client.postRaw(PATH, VALID.replace("claude-4-5-haiku", "claude-4-5-sonnet"), "authorization",
                "Bearer " + SCOPED_KEY).statusCode());
    }

    @Test
    void rejectsMalformedJson() {
        error(client.post(PATH, "{\"model\":"), 400, "invalid_request_error");
        error(client.post(PATH, ""), 400, "invalid_request_error");
        error(client.post(PATH, "[1,2]"), 400, "invalid_request_error");
    }

    @Test
    void rejectsAMissingModel() {
        JsonNode error = error(client.post(PATH, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400,
                "invalid_request_error");

        assertTrue(error.get("message").asText().contains("model"));
    }

    @Test
    void rejectsAnUnknownModel() {
        JsonNode error = error(client.post(PATH, VALID.replace("claude-4-5-haiku", "claude-4.5-sonnet")), 400,
                "invalid_request_error");

        assertTrue(error.get("message").asText().contains("unknown model"));
    }

    @Test
    void rejectsAModelOfAnotherKind() {
        error(client.post(PATH, VALID.replace("claude-4-5-haiku", "cohere-embed-multilingual")), 400,
                "invalid_request_error");
    }

    @Test
    void rejectsMissingOrEmptyMessagesAndBadRoles() {
        error(client.post(PATH, "{\"model\":\"claude-4-5-haiku\"}"), 400, "invalid_request_error");
        error(client.post(PATH, "{\"model\":\"claude-4-5-haiku\",\"messages\":[]}"), 400, "invalid_request_error");
        error(client.post(PATH, VALID.replace("\"user\"", "\"wizard\"")), 400, "invalid_request_error");
    }

    @Test
    void rejectsOutOfRangeParameters() {
        error(client.post(PATH, VALID.replace("}]}", "}],\"temperature\":1.5}")), 400, "invalid_request_error");
        error(client.post(PATH, VALID.replace("}]}", "}],\"max_tokens\":0}")), 400, "invalid_request_error");
        error(client.post(PATH, VALID.replace("}]}", "}],\"stream\":\"yes\"}")), 400, "invalid_request_error");
    }
}
