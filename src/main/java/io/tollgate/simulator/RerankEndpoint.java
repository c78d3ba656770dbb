package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /v1/rerank}: Cohere-compatible reranking with deterministic scores (§11). */
final class RerankEndpoint extends Endpoint {

    static final int MAX_DOCUMENTS = 1000;

    RerankEndpoint(RateLimiter limiter) {
        super(limiter);
    }

    @Override
    void handle(Exchange exchange) {
        String key = bearerKey(exchange);
        ObjectNode body = body(exchange);
        SimulatedModels.Model model = model(exchange, body, key, SimulatedModels.Kind.RERANK);
        JsonNode query = body.get("query");
        if (query == null || !query.isTextual()) {
            throw ApiError.invalid("'query' is missing");
        }
        JsonNode documents = body.get("documents");
        if (documents == null || !documents.isArray()) {
            throw ApiError.invalid("'documents' is missing");
        }
        if (documents.isEmpty()) {
            throw ApiError.invalid("'documents' must not be empty");
        }
        if (documents.size() > MAX_DOCUMENTS) {
            throw ApiError.invalid("too many documents: " + documents.size() + " (at most " + MAX_DOCUMENTS + ")");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode document : documents) {
            if (!document.isTextual()) {
                throw ApiError.invalid("'documents' must be an array of strings");
            }
            texts.add(document.asText());
        }
        Integer topN = optionalInt(body, "top_n", 1, Integer.MAX_VALUE);
        Map<String, String> limitHeaders = rateLimit(exchange, key, model, 0);

        record Scored(int index, double score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            scored.add(new Scored(i, SimulatedContent.relevance(query.asText(), texts.get(i))));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingInt(Scored::index));
        int keep = topN == null ? scored.size() : Math.min(topN, scored.size());
        ArrayNode results = Json.array();
        for (Scored s : scored.subList(0, keep)) {
            ObjectNode result = Json.object();
            result.put("index", s.index());
            result.put("relevance_score", s.score());
            results.add(result);
        }
        ObjectNode version = Json.object();
        version.put("version", "2");
        version.put("is_experimental", false);
        ObjectNode billed = Json.object();
        billed.put("search_units", (texts.size() + 99) / 100);
        ObjectNode meta = Json.object();
        meta.set("api_version", version);
        meta.set("billed_units", billed);
        ObjectNode response = Json.object();
        response.put("id", UUID.randomUUID().toString());
        response.set("results", results);
        response.set("meta", meta);
        exchange.success(response, limitHeaders);
    }
}
