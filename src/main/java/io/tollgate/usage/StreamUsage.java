package io.tollgate.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Counts a stream's usage event by event, and may rewrite what the client sees: tollgate asks a chat stream for
 * usage when the client did not, and then takes the usage back out so the client gets only what it asked for.
 */
public interface StreamUsage {

    /** Returned by {@link #onEvent} for an event the client must not see. */
    String DROP = new String("<drop>");

    /**
     * @param event the SSE event name, or null
     * @param data the event's data (lines joined by {@code \n})
     * @return null to relay the event unchanged, {@link #DROP}, or the data to relay instead
     */
    String onEvent(String event, String data);

    /** What was used so far; for a stream cut short, includes estimates of what was delivered. */
    Tokens tokens();

    /** Whether the stream's own end marker arrived. */
    boolean finished();

    /**
     * The JSON the last event carried, as {@link #onEvent} parsed it (unchanged: only when it strips nothing), so that
     * a translation of the stream need not parse it again; null when it parsed none.
     */
    default JsonNode lastChunk() {
        return null;
    }

    /**
     * @param stripUsage the client did not ask for usage: remove it from what it sees
     * @param promptChars the request's text size, to estimate input tokens if the stream never reports them
     */
    static StreamUsage of(UsageFormat format, boolean stripUsage, long promptChars, ObjectMapper mapper) {
        return switch (format) {
            case CHAT -> new ChatStreamUsage(mapper, stripUsage, promptChars);
            case MESSAGES -> new MessagesStreamUsage(mapper, promptChars);
            case AGENTS -> new AgentStreamUsage(mapper);
            default -> new ChatStreamUsage(mapper, false, promptChars);
        };
    }
}
