package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a simulator behaves. Build with {@link #builder()}; every field has a default.
 *
 * @param host the interface to listen on
 * @param port the port, 0 for a random free one
 * @param keys the accepted API keys; any other key, even a well-formed {@code inf-…} one, gets 401
 * @param modelAccess per-key model allow-lists; a key without an entry may use every model
 * @param latencyMs delay before any answer
 * @param ttftMs delay before the first stream event, or before the body of a JSON answer
 * @param chunkDelayMs delay between stream events
 * @param replyTokens tokens in a generated reply (each a 4-character piece, see {@link SimulatedContent})
 * @param usageMode where streamed chat completions report usage
 * @param dataSpace whether chat SSE lines read {@code data: } (true) or {@code data:} (false)
 * @param rateLimits whether the per-key×model limits are enforced with 429; the headers are sent either way
 * @param limitOverrides per-model limits replacing the built-in table (handy to reach a 429 in a few requests)
 * @param mcpServers whether {@code GET /v1/mcp/servers} lists its one fixture server (else {@code []})
 * @param rejectFloatEncoding whether embeddings answer {@code encoding_format: "float"} with 400 instead of treating it
 *        as {@code raw}
 * @param maxRecords how many recorded requests are kept (oldest dropped first); counts are never dropped
 */
public record SimulatorOptions(String host, int port, List<String> keys, Map<String, Set<String>> modelAccess,
        long latencyMs, long ttftMs, long chunkDelayMs, int replyTokens, UsageMode usageMode, boolean dataSpace,
        boolean rateLimits, Map<String, SimulatedModels.Limits> limitOverrides, boolean mcpServers,
        boolean rejectFloatEncoding, int maxRecords) {

    public static final String DEFAULT_KEY = "inf-00000000-0000-4000-8000-000000000000";

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(usageMode, "usageMode");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed");
        }
        if (latencyMs < 0 || ttftMs < 0 || chunkDelayMs < 0) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (replyTokens < 1) {
            throw new IllegalArgumentException("replyTokens must be at least 1");
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1");
        }
        keys = List.copyOf(keys);
        Map<String, Set<String>> access = new LinkedHashMap<>();
        (modelAccess == null ? Map.<String, Set<String>> of() : modelAccess)
                .forEach((key, models) -> access.put(key, Set.copyOf(models)));
        modelAccess = Map.copyOf(access);
        limitOverrides = Map.copyOf(limitOverrides == null ? Map.of() : limitOverrides);
    }

    public static SimulatorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.host = host;
        builder.port = port;
        builder.keys = new ArrayList<>(keys);
        builder.modelAccess = new LinkedHashMap<>(modelAccess);
        builder.latencyMs = latencyMs;
        builder.ttftMs = ttftMs;
        builder.chunkDelayMs = chunkDelayMs;
        builder.replyTokens = replyTokens;
        builder.usageMode = usageMode;
        builder.dataSpace = dataSpace;
        builder.rateLimits = rateLimits;
        builder.limitOverrides = new LinkedHashMap<>(limitOverrides);
        builder.mcpServers = mcpServers;
        builder.rejectFloatEncoding = rejectFloatEncoding;
        builder.maxRecords = maxRecords;
        return builder;
    }

    /** The first configured key, the one tests normally use. */
    public String key() {
        return keys.get(0);
    }

    /** The limits in force for a model: an override, else the built-in table. */
    public SimulatedModels.Limits limitsFor(SimulatedModels.Model model) {
        return limitOverrides.getOrDefault(model.id(), model.limits());
    }

    boolean mayUse(String key, String model) {
        Set<String> allowed = modelAccess.get(key);
        return allowed == null || allowed.contains(model);
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private List<String> keys = new ArrayList<>(List.of(DEFAULT_KEY));
        private Map<String, Set<String>> modelAccess = new LinkedHashMap<>();
        private long latencyMs;
        private long ttftMs;
        private long chunkDelayMs;
        private int replyTokens = 12;
        private UsageMode usageMode = UsageMode.INCLUDE_USAGE;
        private boolean dataSpace = true;
        private boolean rateLimits;
        private Map<String, SimulatedModels.Limits> limitOverrides = new LinkedHashMap<>();
        private boolean mcpServers = true;
        private boolean rejectFloatEncoding;
        private int maxRecords = 10_000;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Replaces the accepted keys; the first becomes {@link SimulatorOptions#key()}. */
        public Builder keys(String... keys) {
            this.keys = new ArrayList<>(List.of(keys));
            return this;
        }

        /** Accepts one more key. */
        public Builder addKey(String key) {
            if (!keys.contains(key)) {
                keys.add(key);
            }
            return this;
        }

        /** Accepts {@code key} (adding it if needed) for these models only; other models answer 403. */
        public Builder allowModels(String key, String... models) {
            addKey(key);
            modelAccess.put(key, new LinkedHashSet<>(List.of(models)));
            return this;
        }

        public Builder modelAccess(Map<String, Set<String>> modelAccess) {
            this.modelAccess = new LinkedHashMap<>(modelAccess);
            return this;
        }

        public Builder latencyMs(long latencyMs) {
            this.latencyMs = latencyMs;
            return this;
        }

        public Builder ttftMs(long ttftMs) {
            this.ttftMs = ttftMs;
            return this;
        }

        public Builder chunkDelayMs(long chunkDelayMs) {
            this.chunkDelayMs = chunkDelayMs;
            return this;
        }

        public Builder replyTokens(int replyTokens) {
            this.replyTokens = replyTokens;
            return this;
        }

        public Builder usageMode(UsageMode usageMode) {
            this.usageMode = usageMode;
            return this;
        }

        public Builder dataSpace(boolean dataSpace) {
            this.dataSpace = dataSpace;
            return this;
        }

        public Builder rateLimits(boolean rateLimits) {
            this.rateLimits = rateLimits;
            return this;
        }

        public Builder limit(String model, int requestsPerMinute, int tokensPerMinute) {
            limitOverrides.put(model, new SimulatedModels.Limits(requestsPerMinute, tokensPerMinute));
            return this;
        }

        public Builder mcpServers(boolean mcpServers) {
            this.mcpServers = mcpServers;
            return this;
        }

        public Builder rejectFloatEncoding(boolean rejectFloatEncoding) {
            this.rejectFloatEncoding = rejectFloatEncoding;
            return this;
        }

        public Builder maxRecords(int maxRecords) {
            this.maxRecords = maxRecords;
            return this;
        }

        public SimulatorOptions build() {
            return new SimulatorOptions(host, port, keys, modelAccess, latencyMs, ttftMs, chunkDelayMs, replyTokens,
                    usageMode, dataSpace, rateLimits, limitOverrides, mcpServers, rejectFloatEncoding, maxRecords);
        }
    }
}
