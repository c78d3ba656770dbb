package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class StreamUsageTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void chatUsageChunkIsCountedAndDroppedWhenTheClientDidNotAskForIt() {
        StreamUsage usage = StreamUsage.of(UsageFormat.CHAT, true, 0, mapper);
        assertNull(usage.onEvent(null, "{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}],\"usage\":null}"));
        assertSame(StreamUsage.DROP,
                usage.onEvent(null,
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}"));
        assertNull(usage.onEvent(null, "[DONE]"));
        assertEquals(Tokens.of(7, 3), usage.tokens());
        assertTrue(usage.finished());
    }

    @Test
    void chatUsageOnTheFinalChunkIsTakenOutOfThatChunk() {
        StreamUsage usage = StreamUsage.of(UsageFormat.CHAT, true, 0, mapper);
        String rewritten = usage.onEvent(null,
                "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}");
        assertFalse(rewritten.contains("usage"), rewritten);
        assertTrue(rewritten.contains("finish_reason"));
        assertEquals(Tokens.of(5, 2), usage.tokens());
    }

    @Test
    void aChatChunkItStripsNothingFromIsLentAsParsedAndNoOtherEvent() {
        StreamUsage keeping = StreamUsage.of(UsageFormat.CHAT, false, 0, mapper);
        keeping.onEvent(null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}");
        assertEquals(7, keeping.lastChunk().path("usage").path("prompt_tokens").asInt());
        keeping.onEvent(null, "[DONE]");
        assertNull(keeping.lastChunk(), "[DONE] is not JSON");
        keeping.onEvent(null, "{not json");
        assertNull(keeping.lastChunk());

        StreamUsage stripping = StreamUsage.of(UsageFormat.CHAT, true, 0, mapper);
        stripping.onEvent(null, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5}}");
        assertNull(stripping.lastChunk(), "a chunk it may have changed is not lent");
    }

    @Test
    void aCutChatStreamIsEstimatedFromWhatWasDelivered() {
        StreamUsage usage = StreamUsage.of(UsageFormat.CHAT, false, 40, mapper);
        usage.onEvent(null, "{\"choices\":[{\"delta\":{\"content\":\"abcd\"}}]}");
        usage.onEvent(null, "{\"choices\":[{\"delta\":{\"content\":\"efgh\"}}]}");
        assertFalse(usage.finished());
        assertEquals(Tokens.of(10, 2), usage.tokens());
    }

    @Test
    void anthropicCountsInputFromMessageStartAndCumulativeOutputFromMessageDelta() {
        StreamUsage usage = StreamUsage.of(UsageFormat.MESSAGES, false, 0, mapper);
        usage.onEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":14,"
                + "\"cache_read_input_tokens\":6,\"output_tokens\":1}}}");
        usage.onEvent("message_delta", "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9}}");
        usage.onEvent(null, "{\"type\":\"message_stop\"}");
        assertTrue(usage.finished());
        assertEquals(Tokens.of(20, 9, 6), usage.tokens());
    }

    @Test
    void agentUsageIsTheSumOfItsInferences() {
        StreamUsage usage = StreamUsage.of(UsageFormat.AGENTS, false, 0, mapper);
        usage.onEvent("message", "{\"object\":\"chat.completion\",\"usage\":{\"prompt_tokens\":410,\"completion_tokens\":58}}");
        usage.onEvent("message", "{\"object\":\"tool.completion\",\"usage\":{}}");
        usage.onEvent("message", "{\"object\":\"chat.completion\",\"usage\":{\"prompt_tokens\":520,\"completion_tokens\":12}}");
        usage.onEvent("done", "[DONE]");
        assertEquals(Tokens.of(930, 70), usage.tokens());
        assertTrue(usage.finished());
    }
}
