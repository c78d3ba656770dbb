package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /v1/embeddings}: Cohere-backed embeddings in the OpenAI shape (§7). */
final class EmbeddingsEndpoint extends Endpoint {

    static final int MAX_INPUTS = 96;
    static final int MAX_CHARACTERS = 2048;

    EmbeddingsEndpoint(RateLimiter limiter) {
        super(limiter);
    }

    @Override
    void handle(Exchange exchange) {
        String key = bearerKey(exchange);
        ObjectNode body = body(exchange);
        SimulatedModels.Model model = model(exchange, body, key, SimulatedModels.Kind.EMBEDDING);
        List<String> inputs = inputs(body.get("input"));
        String encoding = optionalEnum(body, "encoding_format", "raw", "raw", "base64", "float");
        if (encoding.equals("float") && exchange.options.rejectFloatEncoding()) {
            throw ApiError.invalid("'encoding_format' must be one of raw, base64");
        }
        optionalEnum(body, "input_type", "search_document", "search_document", "search_query", "classification",
                "clustering");
        // only float vectors are generated; the other documented types are accepted so that requests pass through
        optionalEnum(body, "embedding_type", "float", "float", "int8", "uint8", "binary", "ubinary");

        int tokens = inputs.stream().mapToInt(TokenCount::of).sum();
        Map<String, String> limitHeaders = rateLimit(exchange, key, model, tokens);

        ArrayNode data = Json.array();
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode item = Json.object();
            item.put("object", "embedding");
            item.put("index", i);
            if (encoding.equals("base64")) {
                item.put("embedding", SimulatedContent.embeddingBase64(inputs.get(i)));
            } else {
                ArrayNode vector = Json.array();
                for (float value : SimulatedContent.embedding(inputs.get(i))) {
                    vector.add(value);
                }
                item.set("embedding", vector);
            }
            data.add(item);
        }
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        ObjectNode response = Json.object();
        response.put("object", "list");
        response.set("data", data);
        response.put("model", model.id());
        response.set("usage", usage);
        exchange.success(response, limitHeaders);
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiError.invalid("'input' is missing");
        }
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw ApiError.invalid("'input' must be a string or an array of strings");
                }
                inputs.add(item.asText());
            }
        } else {
            throw ApiError.invalid("'input' must be a string or an array of strings");
        }
        if (inputs.isEmpty()) {
            throw ApiError.invalid("'input' must not be empty");
        }
        if (inputs.size() > MAX_INPUTS) {
            throw ApiError.invalid("too many inputs: " + inputs.size() + " (at most " + MAX_INPUTS + ")");
        }
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            if (text.codePointCount(0, text.length()) > MAX_CHARACTERS) {
                throw ApiError.invalid("input " + i + " is longer than " + MAX_CHARACTERS + " characters");
            }
        }
        return inputs;
    }
}
