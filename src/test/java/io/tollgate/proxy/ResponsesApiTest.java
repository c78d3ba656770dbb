package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.tollgate.simulator.Fault;
import io.tollgate.simulator.SimulatedContent;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/**
 * OpenAI's Responses API, which Heroku AI does not have, served through its chat completions: the translation both
 * ways against the simulator, and the usage billed as for any chat completion.
 */
@QuarkusTest
class ResponsesApiTest {

    static final String PROMPT = "Hello there, simulator";
    static final String WEATHER = "{\"type\":\"function\",\"name\":\"weather\",\"description\":\"The weather in a city\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}";

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
    void answersAResponseWhoseUsageIsTheBilledRow() throws Exception {
        Response response = post("{\"model\":\"claude-4-5-haiku\",\"instructions\":\"Be brief.\",\"input\":\""
                + PROMPT + "\",\"metadata\":{\"team\":\"search\"}}").then().statusCode(200)
                .body("object", equalTo("response"))
                .body("status", equalTo("completed"))
                .body("model", equalTo("claude-4-5-haiku"))
                .body("instructions", equalTo("Be brief."))
                .body("metadata.team", equalTo("search"))
                .body("output[0].type", equalTo("message"))
                .body("output[0].role", equalTo("assistant"))
                .body("output[0].content[0].type", equalTo("output_text"))
                .body("output[0].content[0].text", equalTo(SimulatedContent.replyText(12)))
                .extract().response();
        String requestId = response.header("x-request-id");
        assertEquals("resp_" + requestId.substring(4), response.path("id"), "the id carries the usage row's");

        JsonNode upstream = mapper.readTree(gateway.simulator().requests("/v1/chat/completions").get(0).body());
        assertEquals(mapper.readTree("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]"), upstream.get("messages"));
        Row row = gateway.usageRow(requestId);
        assertEquals("responses", row.getString("endpoint"));
        assertEquals(row.getLong("input_tokens"), ((Number) response.path("usage.input_tokens")).longValue());
        assertEquals(row.getLong("output_tokens"), ((Number) response.path("usage.output_tokens")).longValue());
        assertEquals(row.getLong("total_tokens"), ((Number) response.path("usage.total_tokens")).longValue());
        assertEquals(12, row.getLong("output_tokens"));
        assertFalse(row.getBoolean("streamed"));
        assertTrue(row.getBoolean("completed"));
    }

    @Test
    void streamsAResponseEventByEventAndBillsIt() throws Exception {
        Sse.Result result = Sse.post("/v1/responses", key,
                "{\"model\":\"claude-4-5-haiku\",\"input\":\"" + PROMPT + "\",\"stream\":true}");

        assertEquals(200, result.status());
        assertTrue(result.contentType().startsWith("text/event-stream"), result.contentType());
        List<Sse.Event> events = result.events();
        assertEquals("response.created", events.get(0).event());
        assertEquals("response.in_progress", events.get(1).event());
        StringBuilder text = new StringBuilder();
        for (Sse.Event event : events) {
            JsonNode data = mapper.readTree(event.data());
            assertEquals(event.event(), data.path("type").asText(), "each event is named by its type");
            if (event.event().equals("response.output_text.delta")) {
                text.append(data.path("delta").asText());
            }
        }
        assertEquals(SimulatedContent.replyText(12), text.toString());
        assertFalse(result.raw().contains("[DONE]"), "a Responses stream has no [DONE]");
        Sse.Event last = events.get(events.size() - 1);
        assertEquals("response.completed", last.event());
        JsonNode completed = mapper.readTree(last.data()).path("response");
        assertEquals(SimulatedContent.replyText(12), completed.path("output").get(0).path("content").get(0)
                .path("text").asText());

        JsonNode upstream = mapper.readTree(gateway.simulator().requests("/v1/chat/completions").get(0).body());
        assertTrue(upstream.path("stream_options").path("include_usage").asBoolean(), "usage asked for, to bill it");
        Row row = gateway.usageRow(result.requestId());
        assertEquals("responses", row.getString("endpoint"));
        assertTrue(row.getBoolean("streamed"));
        assertTrue(row.getBoolean("completed"));
        assertEquals(row.getLong("input_tokens"), completed.path("usage").path("input_tokens").asLong());
        assertEquals(12, completed.path("usage").path("output_tokens").asLong());
        assertEquals(12, row.getLong("output_tokens"));
    }

    @Test
    void anAnswerCutAtMaxOutputTokensIsIncomplete() throws Exception {
        Response response = post("{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"max_output_tokens\":5}").then()
                .statusCode(200)
                .body("status", equalTo("incomplete"))
                .body("incomplete_details.reason", equalTo("max_output_tokens"))
                .body("max_output_tokens", equalTo(5))
                .body("output[0].status", equalTo("incomplete"))
                .body("output[0].content[0].text", equalTo(SimulatedContent.replyText(5)))
                .extract().response();
        JsonNode upstream = mapper.readTree(gateway.simulator().requests("/v1/chat/completions").get(0).body());
        assertEquals(5, upstream.path("max_tokens").asInt());
        assertEquals(5, gateway.usageRow(response.header("x-request-id")).getLong("output_tokens"));

        Sse.Result stream = Sse.post("/v1/responses", key,
                "{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"max_output_tokens\":5,\"stream\":true}");
        Sse.Event last = stream.events().get(stream.events().size() - 1);
        assertEquals("response.incomplete", last.event(), stream.raw());
        assertEquals("max_output_tokens",
                mapper.readTree(last.data()).path("response").path("incomplete_details").path("reason").asText());
    }

    @Test
    void callsAFunctionThenTakesItsOutputBack() throws Exception {
        Response first = post("{\"model\":\"claude-4-5-haiku\",\"input\":\"Weather in Paris?\",\"tools\":[" + WEATHER
                + "],\"tool_choice\":\"required\"}").then().statusCode(200)
                .body("tools[0].name", equalTo("weather"))
                .body("tool_choice", equalTo("required"))
                .body("output[0].type", equalTo("message"))
                .body("output[0].content[0].text", equalTo(SimulatedContent.TOOL_PREAMBLE))
                .body("output[1].type", equalTo("function_call"))
                .body("output[1].name", equalTo("weather"))
                .body("output[1].arguments", equalTo("{\"city\":\"sample\"}"))
                .body("output[1].status", equalTo("completed"))
                .extract().response();
        String callId = first.path("output[1].call_id");
        assertTrue(callId.startsWith("tooluse_"), callId);
        JsonNode sent = mapper.readTree(gateway.simulator().requests("/v1/chat/completions").get(0).body());
        assertEquals("weather", sent.path("tools").get(0).path("function").path("name").asText());
        assertEquals("required", sent.path("tool_choice").asText());

        // the next turn sends the call and its output back, as the SDKs' agent loops do
        String functionCall = mapper.writeValueAsString(mapper.readTree(first.asString()).path("output").get(1));
        post("{\"model\":\"claude-4-5-haiku\",\"tools\":[" + WEATHER + "],\"input\":[{\"role\":\"user\",\"content\":"
                + "\"Weather in Paris?\"}," + functionCall + ",{\"type\":\"function_call_output\",\"call_id\":\""
                + callId + "\",\"output\":\"sunny\"}]}").then().statusCode(200)
                .body("output[0].content[0].text", equalTo(SimulatedContent.replyText(12)));
        JsonNode second = mapper.readTree(gateway.simulator().requests("/v1/chat/completions").get(1).body());
        JsonNode messages = second.path("messages");
        assertEquals(3, messages.size(), messages.toString());
        assertEquals(callId, messages.get(1).path("tool_calls").get(0).path("id").asText());
        assertEquals("{\"city\":\"sample\"}", messages.get(1).path("tool_calls").get(0).path("function")
                .path("arguments").asText());
        assertEquals("tool", messages.get(2).path("role").asText());
        assertEquals(callId, messages.get(2).path("tool_call_id").asText());
        assertEquals("sunny", messages.get(2).path("content").asText());
    }

    @Test
    void streamsAFunctionCallsArgumentsAsTheyCome() throws Exception {
        Sse.Result result = Sse.post("/v1/responses", key, "{\"model\":\"claude-4-5-haiku\",\"input\":\"Paris?\","
                + "\"tools\":[" + WEATHER + "],\"tool_choice\":{\"type\":\"function\",\"name\":\"weather\"},"
                + "\"stream\":true}");

        assertEquals(200, result.status());
        StringBuilder arguments = new StringBuilder();
        String done = null;
        for (Sse.Event event : result.events()) {
            JsonNode data = mapper.readTree(event.data());
            if (event.event().equals("response.function_call_arguments.delta")) {
                arguments.append(data.path("delta").asText());
            } else if (event.event().equals("response.function_call_arguments.done")) {
                done = data.path("arguments").asText();
            }
        }
        assertEquals("{\"city\":\"sample\"}", arguments.toString());
        assertEquals("{\"city\":\"sample\"}", done);
        JsonNode output = mapper.readTree(result.events().get(result.events().size() - 1).data()).path("response")
                .path("output");
        assertEquals("function_call", output.get(1).path("type").asText());
        assertTrue(gateway.usageRow(result.requestId()).getBoolean("completed"));
    }

    @Test
    void aBrokenStreamEndsWithAnErrorEventAndWhatWasDeliveredIsBilled() throws Exception {
        gateway.simulator().enqueue(Fault.cutAfterEvents(5));
        Sse.Result result = Sse.post("/v1/responses", key,
                "{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"stream\":true}");

        assertEquals(200, result.status());
        Sse.Event last = result.events().get(result.events().size() - 1);
        assertEquals("error", last.event(), result.raw());
        JsonNode error = mapper.readTree(last.data());
        assertEquals("upstream_stream_error", error.path("code").asText());
        assertEquals("upstream_stream_error", error.path("error").path("code").asText());
        assertFalse(result.raw().contains("response.completed"));
        Row row = gateway.usageRow(result.requestId());
        assertFalse(row.getBoolean("completed"));
        // 5 events: the role chunk and 4 one-token content chunks
        assertEquals(4, row.getLong("output_tokens"));
    }

    @Test
    void whatNeedsStoredStateIsRefusedBeforeAnythingGoesUpstream() {
        post("{\"model\":\"claude-4-5-haiku\",\"input\":\"And then?\",\"previous_response_id\":\"resp_1\"}").then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("previous_response_id"))
                .body("error.message", containsString("send the whole conversation in 'input'"));
        post("{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"}]}").then()
                .statusCode(400)
                .body("error.param", equalTo("tools[0].type"));
        post("{\"model\":\"claude-4-5-haiku\"}").then().statusCode(400).body("error.param", equalTo("input"));
        post("{\"input\":\"Hi\"}").then().statusCode(400).body("error.code", equalTo("missing_model"));
        post("{\"model\":\"no-such-model\",\"input\":\"Hi\"}").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
        given().header("Authorization", "Bearer tg-wrong").contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\"}").post("/v1/responses").then()
                .statusCode(401);
        assertEquals(0, gateway.simulator().count("/v1/chat/completions"));
    }

    @Test
    void anUpstreamRefusalComesBackInTheOpenAiErrorFormat() {
        post("{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"temperature\":1.5}").then().statusCode(400)
                .body("error.message", containsString("temperature"));
        gateway.simulator().enqueue(Fault.status(503).withTimes(10));
        post("{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\"}").then().statusCode(503)
                .body("error.message", org.hamcrest.Matchers.notNullValue());
    }

    private Response post(String body) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(body)
                .post("/v1/responses");
    }
}
