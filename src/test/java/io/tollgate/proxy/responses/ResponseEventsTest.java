package io.tollgate.proxy.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ResponseEventsTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ObjectNode echo = ResponsesInput
            .of((ObjectNode) read("{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"instructions\":\"Be brief.\"}"))
            .echo();

    @Test
    void aTextStreamOpensTheMessageRelaysEachDeltaAndEndsWithTheUsage() {
        ResponseEvents events = events();
        List<JsonNode> out = new ArrayList<>(parse(events.start()));
        out.addAll(parse(events.onChunk(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{\"content\":\"Hel\"}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{\"content\":\"lo\"}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{}", "stop"), null)));
        out.addAll(parse(events.onChunk(usageChunk(12, 2), null)));
        assertTrue(events.onChunk("[DONE]", null).isEmpty());
        out.addAll(parse(events.end()));

        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), types(out));
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i).path("sequence_number").asInt(), "events are numbered in order");
        }
        JsonNode created = out.get(0).path("response");
        assertEquals("resp_0123", created.path("id").asText());
        assertEquals("in_progress", created.path("status").asText());
        assertEquals("Be brief.", created.path("instructions").asText());
        assertEquals("Hel", out.get(4).path("delta").asText());
        assertEquals("msg_0123", out.get(4).path("item_id").asText());
        assertEquals("Hello", out.get(6).path("text").asText());
        JsonNode done = out.get(9).path("response");
        assertEquals("completed", done.path("status").asText());
        assertEquals("claude-4-5-haiku", done.path("model").asText());
        assertEquals("Hello", done.path("output").get(0).path("content").get(0).path("text").asText());
        assertEquals("completed", done.path("output").get(0).path("status").asText());
        assertEquals(12, done.path("usage").path("input_tokens").asInt());
        assertEquals(2, done.path("usage").path("output_tokens").asInt());
        assertEquals(14, done.path("usage").path("total_tokens").asInt());
    }

    @Test
    void aToolCallClosesThePreambleAndStreamsItsArguments() {
        ResponseEvents events = events();
        events.start();
        List<JsonNode> out = new ArrayList<>();
        out.addAll(parse(events.onChunk(chunk("{\"content\":\"Let me check.\"}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"tooluse_1\",\"type\":"
                + "\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + "\"{\\\"city\\\":\"}}]}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + "\"\\\"Paris\\\"}\"}}]}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{}", "tool_calls"), null)));
        events.onChunk("[DONE]", null);
        out.addAll(parse(events.end()));

        assertEquals(List.of("response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed"), types(out));
        JsonNode added = out.get(6);
        assertEquals(1, added.path("output_index").asInt());
        assertEquals("function_call", added.path("item").path("type").asText());
        assertEquals("tooluse_1", added.path("item").path("call_id").asText());
        assertEquals("{\"city\":\"Paris\"}", out.get(9).path("arguments").asText());
        JsonNode output = out.get(11).path("response").path("output");
        assertEquals(2, output.size());
        assertEquals("Let me check.", output.get(0).path("content").get(0).path("text").asText());
        assertEquals("fc_0123_0", output.get(1).path("id").asText());
        assertEquals("weather", output.get(1).path("name").asText());
        assertEquals("{\"city\":\"Paris\"}", output.get(1).path("arguments").asText());
        assertEquals("completed", output.get(0).path("status").asText());
        assertEquals("completed", output.get(1).path("status").asText());
        assertTrue(out.get(11).path("response").path("usage").isNull(), "no usage chunk came");
    }

    @Test
    void aStreamCutOffInAFunctionsArgumentsFailsWithTheCallIncompleteAndThePreambleWhole() {
        ResponseEvents events = events();
        events.start();
        events.onChunk(chunk("{\"content\":\"Let me check.\"}", null), null);
        events.onChunk(chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"tooluse_1\",\"type\":"
                + "\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"ci\"}}]}", null), null);
        List<JsonNode> out = parse(events.end());

        JsonNode last = out.get(out.size() - 1);
        assertEquals("response.failed", last.path("type").asText());
        JsonNode output = last.path("response").path("output");
        assertEquals("completed", output.get(0).path("status").asText(), "the text before the call was whole");
        assertEquals("incomplete", output.get(1).path("status").asText());
        assertEquals("{\"ci", output.get(1).path("arguments").asText());
        JsonNode callDone = out.get(out.size() - 2);
        assertEquals("response.output_item.done", callDone.path("type").asText());
        assertEquals("incomplete", callDone.path("item").path("status").asText());
    }

    @Test
    void anAnswerCutAtItsTokenLimitEndsIncomplete() {
        ResponseEvents events = events();
        events.start();
        events.onChunk(chunk("{\"content\":\"Hel\"}", null), null);
        events.onChunk(chunk("{}", "length"), null);
        events.onChunk("[DONE]", null);
        List<JsonNode> out = parse(events.end());

        JsonNode last = out.get(out.size() - 1);
        assertEquals("response.incomplete", last.path("type").asText());
        assertEquals("incomplete", last.path("response").path("status").asText());
        assertEquals("max_output_tokens", last.path("response").path("incomplete_details").path("reason").asText());
        assertEquals("incomplete", last.path("response").path("output").get(0).path("status").asText());
    }

    @Test
    void aStreamThatEndsBeforeItsAnswerIsWholeFails() {
        ResponseEvents events = events();
        events.start();
        events.onChunk(chunk("{\"content\":\"Hel\"}", null), null);
        List<JsonNode> out = parse(events.end());

        JsonNode last = out.get(out.size() - 1);
        assertEquals("response.failed", last.path("type").asText());
        assertEquals("server_error", last.path("response").path("error").path("code").asText());
        assertEquals("Hel", last.path("response").path("output").get(0).path("content").get(0).path("text").asText());
        assertEquals("incomplete", last.path("response").path("output").get(0).path("status").asText(),
                "what came before the stream broke is not a whole answer");
    }

    @Test
    void anEmptyAnswerIsStillAMessage() {
        ResponseEvents events = events();
        events.start();
        events.onChunk(chunk("{}", "stop"), null);
        List<JsonNode> out = parse(events.end());

        assertEquals(List.of("response.output_item.added", "response.content_part.added", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed"), types(out));
        assertEquals("", out.get(5).path("response").path("output").get(0).path("content").get(0).path("text")
                .asText("absent"));
    }

    @Test
    void aBreakIsAnErrorEventThatTheSdksRaiseAndNothingFollowsIt() {
        ResponseEvents events = events();
        events.start();
        events.onChunk(chunk("{\"content\":\"Hel\"}", null), null);
        List<JsonNode> out = parse(events.error("upstream_stream_error", "The upstream stream broke off"));

        assertEquals(1, out.size());
        JsonNode error = out.get(0);
        assertEquals("error", error.path("type").asText());
        assertEquals("upstream_stream_error", error.path("code").asText());
        assertEquals("The upstream stream broke off", error.path("message").asText());
        assertEquals("The upstream stream broke off", error.path("error").path("message").asText());
        assertTrue(events.end().isEmpty());
        assertTrue(events.onChunk(chunk("{\"content\":\"lo\"}", null), null).isEmpty());
    }

    @Test
    void anErrorTheUpstreamSendsInTheStreamBecomesTheErrorEvent() {
        ResponseEvents events = events();
        events.start();
        List<JsonNode> out = parse(events.onChunk("{\"error\":{\"message\":\"Overloaded\",\"code\":\"overloaded\"}}", null));

        assertEquals("error", out.get(0).path("type").asText());
        assertEquals("overloaded", out.get(0).path("code").asText());
        assertEquals("Overloaded", out.get(0).path("message").asText());
    }

    @Test
    void reasoningComesAsItsOwnItemBeforeTheMessage() {
        ResponseEvents events = events();
        events.start();
        List<JsonNode> out = new ArrayList<>(
                parse(events.onChunk(chunk("{\"reasoning\":{\"thinking\":\"Hmm\"}}", null), null)));
        out.addAll(parse(events.onChunk(chunk("{\"content\":\"Yes\"}", "stop"), null)));
        events.onChunk("[DONE]", null);
        out.addAll(parse(events.end()));

        assertEquals("reasoning", out.get(0).path("item").path("type").asText());
        assertEquals("Hmm", out.get(1).path("delta").asText());
        assertEquals("response.reasoning_text.done", out.get(2).path("type").asText());
        JsonNode output = out.get(out.size() - 1).path("response").path("output");
        assertEquals("Hmm", output.get(0).path("content").get(0).path("text").asText());
        assertEquals("Yes", output.get(1).path("content").get(0).path("text").asText());
    }

    @Test
    void aChunkAlreadyParsedIsNotParsedAgain() {
        ResponseEvents events = events();
        events.start();
        List<JsonNode> out = parse(events.onChunk("(the same chunk's text, not read)",
                read(chunk("{\"content\":\"Hel\"}", null))));

        assertEquals("Hel", out.get(out.size() - 1).path("delta").asText());
    }

    private ResponseEvents events() {
        return new ResponseEvents(mapper, echo, "req_0123", 1_760_000_000L, "claude-4-5-haiku");
    }

    private static String chunk(String delta, String finish) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"claude-4-5-haiku\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static String usageChunk(int prompt, int completion) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"claude-4-5-haiku\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    /** The events' data, checking each event's name is its type. */
    private List<JsonNode> parse(String sse) {
        List<JsonNode> events = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.isEmpty()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), block);
            JsonNode data = read(lines[1].substring(6));
            assertEquals(lines[0].substring(7), data.path("type").asText());
            events.add(data);
        }
        return events;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
