package io.tollgate.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * One server-sent event: its bytes as received (relayed unchanged unless rewritten), its {@code event:} name (or
 * null) and its data lines joined by newlines.
 */
record SseEvent(Buffer raw, String event, String data) {
}
