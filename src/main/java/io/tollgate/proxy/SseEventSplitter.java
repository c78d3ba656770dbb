package io.tollgate.proxy;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts a byte stream into server-sent events as the bytes arrive: an event ends at a blank line (LF, CRLF or CR line
 * ends). Accepts {@code data:} with or without the space, as Heroku's own clients do.
 */
final class SseEventSplitter {

    private Buffer pending = Buffer.buffer();

    void feed(Buffer chunk, Consumer<SseEvent> out) {
        pending.appendBuffer(chunk);
        int n = pending.length();
        int eventStart = 0;
        int lineStart = 0;
        int i = 0;
        while (i < n) {
            byte b = pending.getByte(i);
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            int next = i + 1;
            if (b == '\r') {
                if (next >= n) {
                    break; // a CR at the end: wait to see whether LF follows
                }
                if (pending.getByte(next) == '\n') {
                    next++;
                }
            }
            if (i == lineStart) {
                if (i > eventStart) {
                    out.accept(parse(pending.getBuffer(eventStart, next)));
                }
                eventStart = next;
            }
            lineStart = next;
            i = next;
        }
        if (eventStart > 0) {
            pending = pending.getBuffer(eventStart, n);
        }
    }

    /** Bytes received after the last complete event. */
    Buffer remainder() {
        return pending;
    }

    static SseEvent parse(Buffer raw) {
        String text = raw.toString(StandardCharsets.UTF_8);
        String event = null;
        StringBuilder data = null;
        int pos = 0;
        int len = text.length();
        while (pos < len) {
            int end = pos;
            while (end < len && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (end > pos) {
                String line = text.substring(pos, end);
                if (line.startsWith("data:")) {
                    String value = field(line, 5);
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                } else if (line.startsWith("event:")) {
                    event = field(line, 6);
                }
            }
            pos = end;
            if (pos < len && text.charAt(pos) == '\r') {
                pos++;
            }
            if (pos < len && text.charAt(pos) == '\n') {
                pos++;
            }
        }
        return new SseEvent(raw, event, data == null ? "" : data.toString());
    }

    private static String field(String line, int from) {
        return from < line.length() && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }
}
