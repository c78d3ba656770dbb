package io.tollgate.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Heroku agents: every {@code chat.completion} event is one inference with its own usage; the total is the sum. */
final class AgentStreamUsage implements StreamUsage {

    private final ObjectMapper mapper;
    private long input;
    private long output;
    private long cached;
    private boolean finished;

    AgentStreamUsage(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String onEvent(String event, String data) {
        if ("done".equals(event) || data.equals("[DONE]")) {
            finished = true;
            return null;
        }
        if (!data.contains("\"usage\"")) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(data);
            if ("chat.completion".equals(node.path("object").asText())) {
                Tokens t = UsageExtractor.openAi(node.path("usage"));
                input += t.input();
                output += t.output();
                cached += t.cachedInput();
            }
        } catch (JsonProcessingException e) {
            // not JSON: nothing to count
        }
        return null;
    }

    @Override
    public Tokens tokens() {
        return Tokens.of(input, output, cached);
    }

    @Override
    public boolean finished() {
        return finished;
    }
}
