package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.simulator.SimulatorClient.SseEvent;

class ChatCompletionsTest {

    private static final String PATH = "/v1/chat/completions";
    private static final String HELLO = "{\"model\":\"claude-4-5-sonnet\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello there, simulator!\"}]";

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

    private static int helloPromptTokens() {
        return TokenCount.of("Be brief.") + TokenCount.of("Hello there, simulator!");
    }

    @Test
    void answersAChatCompletionWithDeterministicTextAndUsage() {
        HttpResponse<String> response = client.post(PATH, HELLO + "}");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode body = SimulatorClient.json(response.body());
        assertTrue(body.get("id").asText().matches("chatcmpl-[0-9a-f]{21}"));
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("claude-4-5-sonnet", body.get("model").asText());
        assertTrue(body.get("system_fingerprint").asText().startsWith("heroku-inf-"));
        assertTrue(body.get("created").isIntegralNumber());
        JsonNode choice = body.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals(SimulatedContent.replyText(12), choice.get("message").get("content").asText());
        assertTrue(choice.get("message").get("refusal").isNull());
        assertEquals("stop", choice.get("finish_reason").asText());
        assertEquals(helloPromptTokens(), body.get("usage").get("prompt_tokens").asInt());
        assertEquals(12, body.get("usage").get("completion_tokens").asInt());
        assertEquals(helloPromptTokens() + 12, body.get("usage").get("total_tokens").asInt());
        assertEquals(12, TokenCount.of(choice.get("message").get("content").asText()));
    }

    @Test
    void countsTextPartsOfArrayContentAndIgnoresOtherParts() {
        String body = "{\"model\":\"nova-lite\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe this\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]},{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"42\"}]}";

        JsonNode usage = SimulatorClient.json(client.post(PATH, body).body()).get("usage");

        assertEquals(TokenCount.of("Describe this") + TokenCount.of("42"), usage.get("prompt_tokens").asInt());
    }

    @Test
    void cutsTheReplyAtMaxTokensWithFinishReasonLength() {
        JsonNode body = SimulatorClient.json(client.post(PATH, HELLO + ",\"max_tokens\":5}").body());

        assertEquals("length", body.get("choices").get(0).get("finish_reason").asText());
        assertEquals(5, body.get("usage").get("completion_tokens").asInt());
        assertEquals(SimulatedContent.replyText(5), body.get("choices").get(0).get("message").get("content").asText());
    }

    @Test
    void maxCompletionTokensCutsTheReplyToo() {
        JsonNode body = SimulatorClient.json(client.post(PATH, HELLO + ",\"max_completion_tokens\":3}").body());

        assertEquals("length", body.get("choices").get(0).get("finish_reason").asText());
        assertEquals(3, body.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void replyTokensHeaderSetsTheReplyLength() {
        JsonNode body = SimulatorClient.json(client.post(PATH, HELLO + "}", "x-sim-reply-tokens", "40").body());

        assertEquals(40, body.get("usage").get("completion_tokens").asInt());
        assertEquals("stop", body.get("choices").get(0).get("finish_reason").asText());
        assertEquals(SimulatedContent.replyText(40), body.get("choices").get(0).get("message").get("content").asText());
    }

    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"time\"}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},\"metric\":{\"type\":\"boolean\"},"
            + "\"when\":{\"type\":\"object\"}}}}}]";

    @Test
    void callsTheFunctionToolChoiceRequiresWithArgumentsFromItsSchema() {
        HttpResponse<String> named = client.post(PATH, HELLO + TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}}");

        assertEquals(200, named.statusCode(), named.body());
        JsonNode choice = SimulatorClient.json(named.body()).get("choices").get(0);
        assertEquals("tool_calls", choice.get("finish_reason").asText());
        assertEquals(SimulatedContent.TOOL_PREAMBLE, choice.get("message").get("content").asText());
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertTrue(call.get("id").asText().startsWith("tooluse_"), call.toString());
        assertEquals("weather", call.get("function").get("name").asText());
        String arguments = "{\"city\":\"sample\",\"days\":1,\"metric\":true,\"when\":null}";
        assertEquals(arguments, call.get("function").get("arguments").asText());
        assertEquals(TokenCount.of(SimulatedContent.TOOL_PREAMBLE) + TokenCount.of(arguments),
                SimulatorClient.json(named.body()).get("usage").get("completion_tokens").asInt());

        HttpResponse<String> required = client.post(PATH, HELLO + TOOLS + ",\"tool_choice\":\"required\"}");
        assertEquals("time", SimulatorClient.json(required.body()).get("choices").get(0).get("message")
                .get("tool_calls").get(0).get("function").get("name").asText(), "the first tool");
        HttpResponse<String> auto = client.post(PATH, HELLO + TOOLS + ",\"tool_choice\":\"auto\"}");
        assertEquals("stop", SimulatorClient.json(auto.body()).get("choices").get(0).get("finish_reason").asText());
        HttpResponse<String> unknown = client.post(PATH, HELLO + TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}}");
        assertEquals(400, unknown.statusCode());
    }

    @Test
    void answersAStructuredOutputWithAnObjectThatFitsItsSchema() {
        String format = ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}}}}}";
        String expected = "{\"city\":\"sample\",\"days\":1}";

        JsonNode body = SimulatorClient.json(client.post(PATH, HELLO + format + "}").body());
        assertEquals(expected, body.at("/choices/0/message/content").asText());
        assertEquals(TokenCount.of(expected), body.at("/usage/completion_tokens").asInt());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());

        StringBuilder streamed = new StringBuilder();
        for (SseEvent event : SimulatorClient.events(client.post(PATH, HELLO + format + ",\"stream\":true}").body())) {
            if (!event.data().equals("[DONE]")) {
                streamed.append(event.json().at("/choices/0/delta/content").asText(""));
            }
        }
        assertEquals(expected, streamed.toString());
        assertEquals("{}", SimulatorClient.json(client.post(PATH, HELLO
                + ",\"response_format\":{\"type\":\"json_object\"}}").body()).at("/choices/0/message/content").asText());
    }

    @Test
    void streamsAToolCallAsTheIdAndNameThenTheArgumentsInFragments() {
        HttpResponse<String> response = client.post(PATH, HELLO + TOOLS + ",\"tool_choice\":\"required\","
                + "\"stream\":true}");

        List<SseEvent> events = SimulatorClient.events(response.body());
        // role chunk, preamble, the call's id and name, two fragments of arguments, finish chunk, [DONE]
        assertEquals(7, events.size(), response.body());
        assertEquals(SimulatedContent.TOOL_PREAMBLE, events.get(1).json().at("/choices/0/delta/content").asText());
        JsonNode opening = events.get(2).json().at("/choices/0/delta/tool_calls/0");
        assertEquals("time", opening.at("/function/name").asText());
        assertEquals("", opening.at("/function/arguments").asText());
        assertEquals("{}", events.get(3).json().at("/choices/0/delta/tool_calls/0/function/arguments").asText()
                + events.get(4).json().at("/choices/0/delta/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", events.get(5).json().at("/choices/0/finish_reason").asText());
    }

    @Test
    void streamsOpenAiChunksWithoutUsageUnlessAsked() {
        HttpResponse<String> response = client.post(PATH, HELLO + ",\"stream\":true}", "x-sim-reply-tokens", "3");

        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
        List<SseEvent> events = SimulatorClient.events(response.body());
        // role chunk, three content chunks, finish chunk, [DONE]
        assertEquals(6, events.size());
        assertTrue(events.stream().allMatch(e -> e.raw().startsWith("data: ")));
        String id = events.get(0).json().get("id").asText();
        for (SseEvent event : events.subList(0, 5)) {
            JsonNode chunk = event.json();
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertEquals(id, chunk.get("id").asText());
            assertEquals("claude-4-5-sonnet", chunk.get("model").asText());
            assertFalse(chunk.has("usage"), "no usage field without include_usage");
        }
        JsonNode first = events.get(0).json().get("choices").get(0);
        assertEquals("assistant", first.get("delta").get("role").asText());
        assertTrue(first.get("finish_reason").isNull());
        for (int i = 0; i < 3; i++) {
            assertEquals(SimulatedContent.replyPiece(i),
                    events.get(1 + i).json().get("choices").get(0).get("delta").get("content").asText());
        }
        JsonNode last = events.get(4).json().get("choices").get(0);
        assertEquals("stop", last.get("finish_reason").asText());
        assertTrue(last.get("delta").isEmpty());
        assertEquals("[DONE]", events.get(5).data());
        assertTrue(response.body().endsWith("data: [DONE]\n\n"));
    }

    @Test
    void streamsAUsageChunkBeforeDoneWhenIncludeUsageIsSet() {
        HttpResponse<String> response = client.post(PATH,
                HELLO + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", "x-sim-reply-tokens", "4");

        List<SseEvent> events = SimulatorClient.events(response.body());
        assertEquals(8, events.size());
        for (SseEvent event : events.subList(0, 6)) {
            assertTrue(event.json().get("usage").isNull(), "earlier chunks carry usage: null");
        }
        JsonNode usageChunk = events.get(6).json();
        assertTrue(usageChunk.get("choices").isEmpty());
        assertEquals(helloPromptTokens(), usageChunk.get("usage").get("prompt_tokens").asInt());
        assertEquals(4, usageChunk.get("usage").get("completion_tokens").asInt());
        assertEquals(helloPromptTokens() + 4, usageChunk.get("usage").get("total_tokens").asInt());
        assertEquals("[DONE]", events.get(7).data());
    }

    @Test
    void streamCountsOneTokenPerContentChunkAndStopsAtMaxTokens() {
        HttpResponse<String> response = client.post(PATH,
                HELLO + ",\"stream\":true,\"max_tokens\":2,\"stream_options\":{\"include_usage\":true}}");

        List<SseEvent> events = SimulatorClient.events(response.body());
        long contentChunks = events.stream().filter(e -> !e.data().equals("[DONE]"))
                .filter(e -> e.json().path("choices").path(0).path("delta").has("content"))
                .filter(e -> !e.json().get("choices").get(0).get("delta").get("content").asText().isEmpty()).count();
        assertEquals(2, contentChunks);
        assertEquals("length", events.get(3).json().get("choices").get(0).get("finish_reason").asText());
        assertEquals(2, events.get(4).json().get("usage").get("completion_tokens").asInt());
    }

    @Test
    void onFinalChunkModePutsUsageOnTheFinishChunkWithoutBeingAsked() {
        simulator.override(o -> o.usageMode(UsageMode.ON_FINAL_CHUNK));

        List<SseEvent> events = SimulatorClient.events(
                client.post(PATH, HELLO + ",\"stream\":true}", "x-sim-reply-tokens", "2").body());

        assertEquals(5, events.size());
        JsonNode finish = events.get(3).json();
        assertEquals("stop", finish.get("choices").get(0).get("finish_reason").asText());
        assertEquals(2, finish.get("usage").get("completion_tokens").asInt());
        assertTrue(events.get(0).json().get("usage").isNull());
        assertEquals("[DONE]", events.get(4).data());
    }

    @Test
    void noneModeNeverSendsUsageEvenWhenAsked() {
        simulator.override(o -> o.usageMode(UsageMode.NONE));

        List<SseEvent> events = SimulatorClient.events(client.post(PATH,
                HELLO + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", "x-sim-reply-tokens", "2")
                .body());

        assertEquals(5, events.size());
        assertTrue(events.stream().filter(e -> !e.data().equals("[DONE]")).noneMatch(e -> e.json().has("usage")));
    }

    @Test
    void dataSpaceOffWritesDataLinesWithoutASpace() {
        simulator.override(o -> o.dataSpace(false));

        String body = client.post(PATH, HELLO + ",\"stream\":true}", "x-sim-reply-tokens", "2").body();

        assertTrue(body.startsWith("data:{\"id\":\"chatcmpl-"), body);
        assertFalse(body.contains("data: "));
        assertTrue(body.endsWith("data:[DONE]\n\n"));
    }

    @Test
    void sendsRateLimitHeadersAndAnUpstreamRequestId() {
        HttpResponse<String> response = client.post(PATH, HELLO + "}");

        assertEquals("150", response.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertEquals("800000", response.headers().firstValue("x-ratelimit-limit-tokens").orElseThrow());
        assertEquals("149", response.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals(String.valueOf(800_000 - helloPromptTokens() - 12),
                response.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        assertTrue(response.headers().firstValue("x-ratelimit-reset-requests").orElseThrow().matches("\\d+s"));
        assertTrue(response.headers().firstValue("x-ratelimit-reset-tokens").orElseThrow().matches("\\d+s"));
        assertTrue(response.headers().firstValue("x-request-id").orElseThrow()
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    }
}
