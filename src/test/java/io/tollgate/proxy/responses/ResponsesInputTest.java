package io.tollgate.proxy.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tollgate.error.GatewayException;

class ResponsesInputTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aStringInputWithInstructionsBecomesASystemAndAUserMessage() throws Exception {
        ResponsesInput input = translate("""
                {"model":"claude-4-5-haiku","instructions":"Be brief.","input":"Hi","max_output_tokens":50,
                 "temperature":0.5,"top_p":0.9,"store":true,"metadata":{"team":"a"},"stream":true}""");

        assertEquals(read("""
                {"model":"claude-4-5-haiku","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Hi"}],"temperature":0.5,"top_p":0.9,"max_tokens":50,"stream":true}"""),
                input.chat());
        assertTrue(input.chat().path("stream").asBoolean());
        assertEquals("Be brief.", input.echo().path("instructions").asText());
        assertEquals(50, input.echo().path("max_output_tokens").asInt());
        assertEquals("a", input.echo().path("metadata").path("team").asText());
        assertFalse(input.echo().path("store").asBoolean(true), "nothing is stored, whatever was asked");
    }

    @Test
    void echoHasTheApiDefaultsForWhatTheRequestLeftOut() throws Exception {
        ObjectNode echo = translate("{\"model\":\"m\",\"input\":\"Hi\"}").echo();

        assertTrue(echo.path("instructions").isNull());
        assertEquals(1.0, echo.path("temperature").asDouble());
        assertEquals(1.0, echo.path("top_p").asDouble());
        assertEquals("auto", echo.path("tool_choice").asText());
        assertTrue(echo.path("tools").isArray() && echo.path("tools").isEmpty());
        assertEquals("text", echo.path("text").path("format").path("type").asText());
        assertTrue(echo.path("parallel_tool_calls").asBoolean());
        assertTrue(echo.path("metadata").isObject());
    }

    @Test
    void messagesPartsAndFunctionCallsBecomeChatMessages() throws Exception {
        ResponsesInput input = translate("""
                {"model":"m","input":[
                  {"role":"developer","content":"Use tools."},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather in "},
                    {"type":"input_text","text":"Paris?"}]},
                  {"type":"reasoning","id":"rs_1","summary":[]},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
                  {"type":"function_call","call_id":"call_1","name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                  {"type":"function_call","call_id":"call_2","name":"time","arguments":"{}"},
                  {"type":"function_call_output","call_id":"call_1","output":"sunny"},
                  {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"noon"}]},
                  {"role":"user","content":[{"type":"input_text","text":"And this?"},
                    {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]}
                ]}""");

        assertEquals(read("""
                [{"role":"system","content":"Use tools."},
                 {"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"},
                 {"role":"tool","tool_call_id":"call_2","content":"noon"},
                 {"role":"user","content":[{"type":"text","text":"And this?"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]}]"""),
                input.chat().get("messages"));
    }

    @Test
    void aFunctionCallWithNoTextBeforeItIsAnAssistantMessageWithNullContent() throws Exception {
        JsonNode messages = translate("""
                {"model":"m","input":[{"role":"user","content":"Hi"},
                  {"type":"function_call","call_id":"c","name":"f","arguments":"{}"}]}""").chat().get("messages");

        assertEquals("assistant", messages.get(1).path("role").asText());
        assertTrue(messages.get(1).get("content").isNull());
        assertEquals("c", messages.get(1).path("tool_calls").get(0).path("id").asText());
    }

    @Test
    void functionToolsToolChoiceAndFormatsTakeChatsShape() throws Exception {
        ObjectNode chat = translate("""
                {"model":"m","input":"Hi","tools":[{"type":"function","name":"weather","description":"d",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}],
                 "tool_choice":{"type":"function","name":"weather"},"parallel_tool_calls":false,
                 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},
                 "reasoning":{"effort":"low"},"user":"u1"}""").chat();

        assertEquals(read("""
                [{"type":"function","function":{"name":"weather","description":"d",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}]"""),
                chat.get("tools"));
        assertEquals(read("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}"), chat.get("tool_choice"));
        assertFalse(chat.path("parallel_tool_calls").asBoolean(true));
        assertEquals(read("""
                {"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}}"""),
                chat.get("response_format"));
        assertEquals("low", chat.path("reasoning_effort").asText());
        assertEquals("u1", chat.path("user").asText());
        assertEquals("required", translate("{\"model\":\"m\",\"input\":\"Hi\",\"tool_choice\":\"required\"}")
                .chat().path("tool_choice").asText());
        assertEquals(read("{\"type\":\"json_object\"}"), translate(
                "{\"model\":\"m\",\"input\":\"Hi\",\"text\":{\"format\":{\"type\":\"json_object\"}}}")
                .chat().get("response_format"));
        assertFalse(translate("{\"model\":\"m\",\"input\":\"Hi\",\"text\":{\"format\":{\"type\":\"text\"}}}")
                .chat().has("response_format"));
    }

    @Test
    void refusesWhatNeedsStoredStateOrBuiltInTools() {
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"previous_response_id\":\"resp_1\"}",
                "previous_response_id", "whole conversation");
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"conversation\":\"conv_1\"}", "conversation",
                "keeps no responses");
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"background\":true}", "background", "stream");
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"prompt\":{\"id\":\"pmpt_1\"}}", "prompt", "template");
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type",
                "'web_search'");
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"tool_choice\":{\"type\":\"file_search\"}}", "tool_choice",
                "built-in");
        assertRefused("{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}", "input[0]",
                "references");
        assertRefused("{\"model\":\"m\",\"input\":[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}]}", "input[0]",
                "'web_search_call'");
        assertRefused("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\","
                + "\"file_id\":\"f\"}]}]}", "input[0].content[0]", "'input_file'");
        assertRefused("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\","
                + "\"file_id\":\"f\"}]}]}", "input[0].content[0]", "image_url");
        assertRefused("{\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "input[0].role",
                "one of user");
        assertRefused("{\"model\":\"m\"}", "input", "missing");
        assertRefused("{\"model\":\"m\",\"input\":42}", "input", "string or an array");
        assertRefused("{\"model\":\"m\",\"input\":[]}", "input", "no message");
        assertRefused("{\"model\":\"m\",\"input\":\"Hi\",\"temperature\":\"hot\"}", "temperature", "number");
        assertRefused("{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\"}]}",
                "input[0].call_id", "missing");
    }

    @Test
    void settingsWithNoMeaningHereAreAcceptedAndLeftOut() throws Exception {
        ObjectNode chat = translate("""
                {"model":"m","input":"Hi","store":false,"include":["reasoning.encrypted_content"],
                 "truncation":"auto","service_tier":"auto","prompt_cache_key":"k","previous_response_id":null,
                 "background":false,"stream_options":{"include_obfuscation":false}}""").chat();

        assertEquals(read("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), chat);
    }

    private void assertRefused(String body, String param, String inMessage) {
        GatewayException e = assertThrows(GatewayException.class, () -> translate(body), body);
        assertEquals(400, e.status());
        assertEquals(param, e.body().error().param(), body);
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }

    private ResponsesInput translate(String json) throws Exception {
        return ResponsesInput.of((ObjectNode) mapper.readTree(json));
    }

    private JsonNode read(String json) throws Exception {
        return mapper.readTree(json);
    }
}
