package io.tollgate.simulator;

import java.util.List;
import java.util.Map;

/**
 * Plays a prepared list of SSE frames with the time-to-first-token and inter-event delays, and acts out the stream
 * faults: the first {@code n} frames, then a cut, a stall or an in-band error instead of the rest.
 */
final class SseStream {

    private enum Tail {
        END,
        CUT,
        STALL,
        ERROR
    }

    private final Exchange exchange;
    private final List<String> frames;
    private final String errorFrame;
    private final int limit;
    private final Tail tail;
    private final long chunkDelayMs;

    private SseStream(Exchange exchange, List<String> frames, String errorFrame, int limit, Tail tail) {
        this.exchange = exchange;
        this.frames = frames;
        this.errorFrame = errorFrame;
        this.limit = limit;
        this.tail = tail;
        this.chunkDelayMs = exchange.chunkDelayMs();
    }

    /**
     * @param frames every frame of a complete stream, terminator included
     * @param closingIndex the first frame that belongs to the stream's ending; a never-finishing stream stops before it
     * @param errorFrame the in-band error that {@link Fault.Kind#ERROR_EVENT_AFTER} sends
     */
    static void play(Exchange exchange, Map<String, String> headers, List<String> frames, int closingIndex,
            String errorFrame) {
        Fault fault = exchange.streamFault();
        int limit = frames.size();
        Tail tail = Tail.END;
        if (fault != null) {
            limit = Math.min(fault.events(), frames.size());
            tail = switch (fault.kind()) {
                case CUT_AFTER_EVENTS -> Tail.CUT;
                case STALL_AFTER_EVENTS -> Tail.STALL;
                default -> Tail.ERROR;
            };
        } else if (exchange.neverFinish()) {
            limit = closingIndex;
            tail = Tail.STALL;
        }
        SseStream stream = new SseStream(exchange, frames, errorFrame, limit, tail);
        exchange.startStream(headers);
        exchange.later(exchange.ttftMs(), () -> stream.from(0));
    }

    private void from(int index) {
        int next = index;
        while (exchange.open()) {
            if (next >= limit) {
                finish();
                return;
            }
            exchange.write(frames.get(next++));
            if (chunkDelayMs > 0 && next < limit) {
                int following = next;
                exchange.later(chunkDelayMs, () -> from(following));
                return;
            }
        }
    }

    private void finish() {
        Fault fault = exchange.streamFault();
        if (fault != null) {
            exchange.markFaulted(fault.kind());
        }
        switch (tail) {
            case END -> exchange.endStream();
            case CUT -> exchange.cut();
            case STALL -> exchange.stall(null);
            case ERROR -> {
                exchange.write(errorFrame);
                exchange.endStream();
            }
        }
    }
}
