package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.logging.Level;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.tollgate.platform.RequestIds;
import io.tollgate.simulator.Fault;
import io.tollgate.support.Gateway;
import io.tollgate.support.LogCapture;
import io.vertx.mutiny.sqlclient.Row;

/** Every error a client can meet, in the OpenAI format with the right status; never a 500 or a stack trace. */
@QuarkusTest
class ErrorResponsesTest {

    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @Inject
    Gateway gateway;

    String key;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newKeySecret();
    }

    RequestSpecification client() {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    @Test
    void returns401WithoutAKey() {
        given().contentType(ContentType.JSON).body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions")
                .then().statusCode(401).body("error.type", equalTo("authentication_error"))
                .body("error.code", equalTo("invalid_api_key")).body("type", equalTo("error"));
    }

    @Test
    void returns401ForAnUnknownKey() {
        given().header("Authorization", "Bearer tg-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .contentType(ContentType.JSON).body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions")
                .then().statusCode(401).body("error.message", equalTo("Invalid API key"));
        given().header("Authorization", "Bearer sk-not-even-our-format").contentType(ContentType.JSON)
                .body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions").then().statusCode(401);
        assertEquals(0, gateway.simulator().count("/v1/chat/completions"));
    }

    @Test
    void returns404ForAnUnknownModel() {
        client().body(CHAT.formatted("gpt-9-ultra")).post("/v1/chat/completions").then().statusCode(404)
                .body("error.code", equalTo("model_not_found")).body("error.param", equalTo("model"));
    }

    @Test
    void returns400ForMalformedJsonOrAMissingModel() {
        client().body("{\"model\": ").post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("invalid_json"));
        client().body("[1,2,3]").post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("invalid_json"));
        client().body("{\"messages\":[]}").post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("missing_model"));
        client().body("{\"model\":42}").post("/v1/embeddings").then().statusCode(400)
                .body("error.code", equalTo("missing_model"));
        client().body("").post("/v1/chat/completions").then().statusCode(400);
    }

    @Test
    void returns413ForABodyOverTheLimit() {
        String big = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(1_200_000) + "\"}]}";
        client().body(big).post("/v1/chat/completions").then().statusCode(413)
                .body("error.code", equalTo("request_too_large"));
        assertEquals(0, gateway.simulator().count("/v1/chat/completions"));
    }

    @Test
    void returns405ForTheWrongMethodAnd404ForAnUnknownPath() {
        given().header("Authorization", "Bearer " + key).get("/v1/chat/completions").then().statusCode(405)
                .body("error.code", equalTo("method_not_allowed"));
        given().header("Authorization", "Bearer " + key).get("/v1/nothing/here").then().statusCode(404)
                .body("error.code", equalTo("unknown_url"))
                .body("error.message", containsString("served here: POST /v1/chat/completions, POST /v1/embeddings"));
    }

    @Test
    void anSdkCallingAnApiHerokuDoesNotHaveIsToldWhatIsServed() {
        // Anthropic's SDK: client.messages.countTokens(...); OpenAI's: client.files.create(...)
        client().body(CHAT.formatted("claude-4-5-haiku")).post("/v1/messages/count_tokens").then().statusCode(404)
                .body("error.code", equalTo("unknown_url"))
                .body("error.message", containsString("does not have it; served here: POST /v1/chat/completions"))
                .body("error.message", containsString("GET /v1/mcp/servers, POST /v1/responses, GET /v1/models"));
        for (String path : List.of("/v1/files", "/v1/responses/input_tokens")) {
            client().body("{}").post(path).then().statusCode(404)
                    .body("error.message", containsString("does not have it; served here:"));
        }
        // OpenAI's SDK: client.responses.retrieve(id), .delete(id), .cancel(id), .inputItems.list(id)
        for (String path : List.of("/v1/responses/resp_1", "/v1/responses/resp_1/cancel",
                "/v1/responses/resp_1/input_items")) {
            given().header("Authorization", "Bearer " + key).get(path).then().statusCode(404)
                    .body("error.code", equalTo("unknown_url"))
                    .body("error.message", containsString("tollgate keeps no responses"));
        }
        assertEquals(0, gateway.simulator().count("/v1/chat/completions") + gateway.simulator().count("/v1/messages"));
    }

    @Test
    void anSdkWhoseBaseUrlMissesOrRepeatsV1IsToldWhereTheApiIs() {
        // an OpenAI SDK given http://host (no /v1), an Anthropic SDK given http://host/v1 (it adds /v1 itself)
        for (String path : List.of("/chat/completions", "/embeddings", "/messages", "/v1/v1/messages",
                "/v1/v1/chat/completions")) {
            client().body(CHAT.formatted("claude-4-5-haiku")).post(path).then().statusCode(404)
                    .body("error.code", equalTo("unknown_url"))
                    .body("error.message", containsString("Unknown request URL: POST " + path))
                    .body("error.message", containsString("base URL ends in /v1"));
        }
        given().header("Authorization", "Bearer " + key).get("/models").then().statusCode(404)
                .body("error.code", equalTo("unknown_url"));
        assertEquals(0, gateway.simulator().count("/v1/chat/completions") + gateway.simulator().count("/v1/messages"));
    }

    @Test
    void passesUpstream4xxThroughOnceWithItsBody() {
        String body = client().header("x-sim-status", "400").body(CHAT.formatted("claude-4-5-haiku"))
                .post("/v1/chat/completions").then().statusCode(400).extract().asString();
        assertEquals(1, gateway.simulator().count("/v1/chat/completions"));
        // the simulator's own Heroku error envelope, unchanged
        assertEquals(400, io.restassured.path.json.JsonPath.from(body).getInt("error.code"));
    }

    @Test
    void passesUpstream5xxThroughAndRecordsIt() {
        // a Retry-After longer than the retry budget (5 s in tests): handed to the client at once
        gateway.simulator().enqueue(Fault.status(503).withHeader("Retry-After", "7"));
        String id = client().body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions").then()
                .statusCode(503).header("Retry-After", "7").extract().header("x-request-id");
        assertEquals(1, gateway.simulator().count("/v1/chat/completions"));
        Row row = gateway.usageRow(id);
        assertEquals(503, row.getInteger("status"));
        assertEquals(0, row.getLong("total_tokens"));
    }

    @Test
    void wrapsANonJsonUpstreamErrorInTheOpenAiFormat() {
        gateway.simulator().enqueue(Fault.html403());
        client().body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions").then().statusCode(403)
                .contentType(ContentType.JSON).body("error.code", equalTo("upstream_error"))
                .body("error.message", containsString("403"));
    }

    @Test
    void returns502WhenTheUpstreamCannotBeReached() {
        client().body(CHAT.formatted("unreachable-model")).post("/v1/chat/completions").then().statusCode(502)
                .body("error.code", equalTo("upstream_unreachable"));
    }

    @Test
    void logsAnUpstreamFailureWithTheRequestIdAsAFieldOfItsOwn() {
        try (LogCapture warnings = LogCapture.of(ProxyHandler.class, Level.WARNING)) {
            String id = client().body(CHAT.formatted("unreachable-model")).post("/v1/chat/completions").then()
                    .statusCode(502).extract().header("x-request-id");
            // the warning is written before the answer: searchable by the id the client saw, as a field (JSON: mdc)
            assertEquals(List.of(id), warnings.records().stream()
                    .map(record -> ((ExtLogRecord) record).getMdc(RequestIds.LOG_FIELD)).toList());
        }
    }

    @Test
    void returns502WhenTheUpstreamKeepsResettingTheConnection() {
        gateway.simulator().enqueue(Fault.resetConnection().withTimes(3));
        String id = client().body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions").then().statusCode(502)
                .body("error.type", equalTo("api_error")).extract().header("x-request-id");
        assertEquals(3, gateway.simulator().count("/v1/chat/completions"));
        assertEquals(3, gateway.usageRow(id).getInteger("attempts"));
    }

    @Test
    void returns504WhenTheUpstreamNeverAnswers() {
        gateway.simulator().enqueue(Fault.stallHeaders());
        String id = client().body(CHAT.formatted("claude-4-5-haiku")).post("/v1/chat/completions").then()
                .statusCode(504).body("error.code", equalTo("upstream_timeout")).header("x-request-id", notNullValue())
                .extract().header("x-request-id");
        assertEquals(504, gateway.usageRow(id).getInteger("status"));
    }

    @Test
    void endsABrokenStreamWithAnErrorEventAndRecordsWhatWasDelivered() throws Exception {
        gateway.simulator().enqueue(Fault.cutAfterEvents(5));
        var result = io.tollgate.support.Sse.post("/v1/chat/completions", key,
                "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, result.status());
        var last = result.events().get(result.events().size() - 1);
        assertEquals("upstream_stream_error",
                io.restassured.path.json.JsonPath.from(last.data()).getString("error.code"));
        Row row = gateway.usageRow(result.requestId());
        assertEquals(false, row.getBoolean("completed"));
        // 5 events: the role chunk and 4 one-token content chunks
        assertEquals(4, row.getLong("output_tokens"));
    }

    @Test
    void endsABrokenAnthropicStreamWithAnAnthropicErrorEvent() throws Exception {
        gateway.simulator().enqueue(Fault.cutAfterEvents(4));
        var result = io.tollgate.support.Sse.post("/v1/messages", key,
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":50,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, result.status());
        var last = result.events().get(result.events().size() - 1);
        assertEquals("error", last.event(), result.raw());
        var error = io.restassured.path.json.JsonPath.from(last.data());
        assertEquals("error", error.getString("type"));
        assertEquals("api_error", error.getString("error.type"));
        assertEquals("upstream_stream_error", error.getString("error.code"));
        assertEquals(false, gateway.usageRow(result.requestId()).getBoolean("completed"));
    }
}
