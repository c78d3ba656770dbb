package io.tollgate.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models the simulator knows, with the per-minute limits of the upstream API reference (§4). */
public final class SimulatedModels {

    /** Which endpoint family a model serves. */
    public enum Kind {
        CHAT("text-to-text"),
        EMBEDDING("text-to-embedding"),
        IMAGE("text-to-image"),
        RERANK("text-to-ranking");

        private final String catalogType;

        Kind(String catalogType) {
            this.catalogType = catalogType;
        }

        /** The {@code type} entry of {@code GET /available-models}. */
        public String catalogType() {
            return catalogType;
        }
    }

    /** A sliding one-minute window's capacity. */
    public record Limits(int requestsPerMinute, int tokensPerMinute) {
        public Limits {
            if (requestsPerMinute < 1 || tokensPerMinute < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    /**
     * One model. Image and rerank models have no documented token limit; they carry a nominal one so that the six
     * {@code x-ratelimit-*} headers are always present, and their requests count zero tokens, so it never throttles.
     */
    public record Model(String id, Kind kind, Limits limits) {
        /** Only Claude models answer {@code /v1/messages}. */
        public boolean claude() {
            return id.startsWith("claude-");
        }
    }

    private static final int TPM = 800_000;

    public static final List<Model> ALL = List.of(
            chat("claude-4-5-sonnet", 150),
            chat("claude-4-5-haiku", 200),
            // not in Heroku's rate-limit table; it is a Sonnet-class model, so it gets the Sonnet limits
            chat("claude-opus-4-5", 150),
            chat("claude-4-sonnet", 150),
            chat("claude-3-7-sonnet", 150),
            chat("claude-3-5-sonnet-latest", 150),
            chat("claude-3-5-haiku", 200),
            chat("claude-3-haiku", 250),
            chat("nova-pro", 150),
            chat("nova-lite", 150),
            chat("gpt-oss-120b", 200),
            new Model("cohere-embed-multilingual", Kind.EMBEDDING, new Limits(500, TPM)),
            new Model("stable-image-ultra", Kind.IMAGE, new Limits(20, TPM)),
            new Model("cohere-rerank-3-5", Kind.RERANK, new Limits(250, TPM)),
            new Model("amazon-rerank-1-0", Kind.RERANK, new Limits(200, TPM)));

    private static final Map<String, Model> BY_ID = byId();

    private SimulatedModels() {
    }

    public static Optional<Model> find(String id) {
        return Optional.ofNullable(id == null ? null : BY_ID.get(id));
    }

    private static Model chat(String id, int requestsPerMinute) {
        return new Model(id, Kind.CHAT, new Limits(requestsPerMinute, TPM));
    }

    private static Map<String, Model> byId() {
        Map<String, Model> map = new LinkedHashMap<>();
        for (Model model : ALL) {
            map.put(model.id(), model);
        }
        return Map.copyOf(map);
    }
}
