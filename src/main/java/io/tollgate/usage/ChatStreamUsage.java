package io.tollgate.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI chat chunks. Usage may come as a separate {@code choices: []} chunk (OpenAI's include_usage) or on any
 * chunk (seen from Heroku clients); the last one seen wins.
 */
final class ChatStreamUsage implements StreamUsage {

    private final ObjectMapper mapper;
    private final boolean stripUsage;
    private final long promptChars;
    private Tokens reported;
    private long deliveredChars;
    private boolean finished;
    private JsonNode lastChunk;

    ChatStreamUsage(ObjectMapper mapper, boolean stripUsage, long promptChars) {
        this.mapper = mapper;
        this.stripUsage = stripUsage;
        this.promptChars = promptChars;
    }

    @Override
    public String onEvent(String event, String data) {
        lastChunk = null;
        if (data.equals("[DONE]")) {
            finished = true;
            return null;
        }
        if (data.isEmpty() || data.charAt(0) != '{') {
            return null;
        }
        JsonNode chunk;
        try {
            chunk = mapper.readTree(data);
        } catch (JsonProcessingException e) {
            return null;
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            deliveredChars += delta.path("content").asText("").length();
            for (JsonNode call : delta.path("tool_calls")) {
                deliveredChars += call.path("function").path("arguments").asText("").length();
            }
        }
        JsonNode usage = chunk.get("usage");
        if (!stripUsage) {
            lastChunk = chunk;
        }
        if (usage == null || !usage.isObject()) {
            return null;
        }
        reported = UsageExtractor.openAi(usage);
        if (!stripUsage) {
            return null;
        }
        if (chunk.path("choices").isArray() && chunk.path("choices").isEmpty()) {
            return DROP;
        }
        ((ObjectNode) chunk).remove("usage");
        try {
            return mapper.writeValueAsString(chunk);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @Override
    public Tokens tokens() {
        if (reported != null) {
            return reported;
        }
        return Tokens.of(Tokens.estimate(promptChars), Tokens.estimate(deliveredChars));
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public JsonNode lastChunk() {
        return lastChunk;
    }
}
