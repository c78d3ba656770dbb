package io.tollgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class SseEventSplitterTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseEventSplitter splitter = new SseEventSplitter();

    private void feed(String text) {
        splitter.feed(Buffer.buffer(text), events::add);
    }

    @Test
    void splitsEventsAtBlankLinesAndKeepsTheirBytes() {
        feed("data: {\"a\":1}\n\ndata: [DONE]\n\n");
        assertEquals(2, events.size());
        assertEquals("{\"a\":1}", events.get(0).data());
        assertEquals("data: {\"a\":1}\n\n", events.get(0).raw().toString(StandardCharsets.UTF_8));
        assertEquals("[DONE]", events.get(1).data());
        assertNull(events.get(0).event());
    }

    @Test
    void waitsForTheRestOfAnEventCutAcrossChunks() {
        feed("event: message_start\nda");
        assertEquals(0, events.size());
        feed("ta: {\"x\":");
        feed("2}\n");
        assertEquals(0, events.size());
        feed("\nevent: ping\n");
        assertEquals(1, events.size());
        assertEquals("message_start", events.get(0).event());
        assertEquals("{\"x\":2}", events.get(0).data());
        assertEquals("event: ping\n", splitter.remainder().toString(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsDataWithoutASpaceAsHerokuAgentsSendIt() {
        feed("event:message\ndata:{\"id\":1}\n\nevent:done\ndata:[DONE]\n\n");
        assertEquals("message", events.get(0).event());
        assertEquals("{\"id\":1}", events.get(0).data());
        assertEquals("done", events.get(1).event());
    }

    @Test
    void handlesCrlfAndCrLineEnds() {
        feed("data: one\r\n\r\ndata: two\r\r");
        feed("data: three\r");
        assertEquals(2, events.size());
        feed("\n\r\n");
        assertEquals(3, events.size());
        assertEquals("three", events.get(2).data());
    }

    @Test
    void joinsMultipleDataLinesAndIgnoresComments() {
        feed(": keep-alive\ndata: a\ndata: b\nid: 7\n\n");
        assertEquals(1, events.size());
        assertEquals("a\nb", events.get(0).data());
    }

    @Test
    void eventsKeepTheirBytesWhileLaterChunksArrive() {
        feed("data: one\n\ndata: tw");
        feed("o\n\ndata: x\ndata: y\ndata: z\n\ndata: fo");
        feed("ur\n\n");
        assertEquals(4, events.size());
        assertEquals(List.of("one", "two", "x\ny\nz", "four"), events.stream().map(SseEvent::data).toList());
        assertEquals("data: one\n\n|data: two\n\n|data: x\ndata: y\ndata: z\n\n|data: four\n\n",
                String.join("|", events.stream().map(e -> e.raw().toString(StandardCharsets.UTF_8)).toList()));
        assertEquals(0, splitter.remainder().length());
    }
}
