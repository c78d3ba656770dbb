package io.tollgate.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Anthropic events: input tokens in {@code message_start}, cumulative output tokens in {@code message_delta}, the
 * end in {@code message_stop}. Only those events and text deltas are parsed.
 */
final class MessagesStreamUsage implements StreamUsage {

    private final ObjectMapper mapper;
    private final long promptChars;
    private long input = -1;
    private long output = -1;
    private long cached;
    private long deliveredChars;
    private boolean finished;

    MessagesStreamUsage(ObjectMapper mapper, long promptChars) {
        this.mapper = mapper;
        this.promptChars = promptChars;
    }

    @Override
    public String onEvent(String event, String data) {
        String type = event != null ? event : typeOf(data);
        if (type == null) {
            return null;
        }
        switch (type) {
            case "message_start" -> {
                JsonNode usage = parse(data).path("message").path("usage");
                input = UsageExtractor.anthropicInput(usage);
                cached = UsageExtractor.anthropicCached(usage);
                output = Math.max(output, usage.path("output_tokens").asLong(0));
            }
            case "message_delta" -> {
                JsonNode usage = parse(data).path("usage");
                if (usage.has("output_tokens")) {
                    output = usage.path("output_tokens").asLong(output);
                }
                if (usage.has("input_tokens") && UsageExtractor.anthropicInput(usage) > 0) {
                    input = UsageExtractor.anthropicInput(usage);
                    cached = UsageExtractor.anthropicCached(usage);
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = parse(data).path("delta");
                deliveredChars += delta.path("text").asText("").length() + delta.path("partial_json").asText("").length()
                        + delta.path("thinking").asText("").length();
            }
            case "message_stop" -> finished = true;
            default -> {
            }
        }
        return null;
    }

    private JsonNode parse(String data) {
        try {
            return mapper.readTree(data);
        } catch (JsonProcessingException e) {
            return mapper.missingNode();
        }
    }

    /** Without an {@code event:} line, the type is in the data. */
    private static String typeOf(String data) {
        int i = data.indexOf("\"type\"");
        if (i < 0) {
            return null;
        }
        int start = data.indexOf('"', data.indexOf(':', i) + 1);
        int end = start < 0 ? -1 : data.indexOf('"', start + 1);
        return end < 0 ? null : data.substring(start + 1, end);
    }

    @Override
    public Tokens tokens() {
        long in = input >= 0 ? input : Tokens.estimate(promptChars);
        long out = finished && output >= 0 ? output : Math.max(Math.max(output, 0), Tokens.estimate(deliveredChars));
        return Tokens.of(in, out, input >= 0 ? cached : 0);
    }

    @Override
    public boolean finished() {
        return finished;
    }
}
