package io.tollgate.proxy;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts a byte stream into server-sent events as the bytes arrive: an event ends at a blank line (LF, CRLF or CR line
 * ends). Accepts {@code data:} with or without the space, as Heroku's own clients do. An event's bytes may be a view
 * of the chunk they arrived in: a chunk is not changed after it is fed (Vert.x hands each read a buffer of its own).
 */
final class SseEventSplitter {

    private Buffer pending = Buffer.buffer();

    void feed(Buffer chunk, Consumer<SseEvent> out) {
        // most chunks hold whole events: read them where they are instead of copying them behind an empty remainder
        Buffer bytes = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int n = bytes.length();
        int eventStart = 0;
        int lineStart = 0;
        int i = 0;
        while (i < n) {
            byte b = bytes.getByte(i);
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            int next = i + 1;
            if (b == '\r') {
                if (next >= n) {
                    break; // a CR at the end: wait to see whether LF follows
                }
                if (bytes.getByte(next) == '\n') {
                    next++;
                }
            }
            if (i == lineStart) {
                if (i > eventStart) {
                    // a view, not a copy: these bytes are never written to again (what is kept below is a copy)
                    out.accept(parse(bytes.slice(eventStart, next)));
                }
                eventStart = next;
            }
            lineStart = next;
            i = next;
        }
        if (eventStart > 0 || bytes == chunk) {
            pending = bytes.getBuffer(eventStart, n);
        }
    }

    /** Bytes received after the last complete event. */
    Buffer remainder() {
        return pending;
    }

    static SseEvent parse(Buffer raw) {
        String text = raw.toString(StandardCharsets.UTF_8);
        String event = null;
        String data = null;
        StringBuilder lines = null; // only for an event with more than one data line
        int pos = 0;
        int len = text.length();
        while (pos < len) {
            int end = pos;
            while (end < len && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (text.startsWith("data:", pos)) {
                String value = field(text, pos + 5, end);
                if (data == null) {
                    data = value;
                } else {
                    if (lines == null) {
                        lines = new StringBuilder(data);
                    }
                    lines.append('\n').append(value);
                }
            } else if (text.startsWith("event:", pos)) {
                event = field(text, pos + 6, end);
            }
            pos = end;
            if (pos < len && text.charAt(pos) == '\r') {
                pos++;
            }
            if (pos < len && text.charAt(pos) == '\n') {
                pos++;
            }
        }
        return new SseEvent(raw, event, lines != null ? lines.toString() : data == null ? "" : data);
    }

    /** A field's value: from {@code from} to the line's end, less one leading space. */
    private static String field(String text, int from, int end) {
        return text.substring(from < end && text.charAt(from) == ' ' ? from + 1 : from, end);
    }
}
