package io.tollgate.proxy;

import io.tollgate.usage.UsageFormat;

/** The Heroku AI endpoints tollgate forwards, with what each needs on the way. */
enum Endpoint {
    CHAT("/v1/chat/completions", UsageFormat.CHAT, false, false),
    EMBEDDINGS("/v1/embeddings", UsageFormat.EMBEDDINGS, false, false),
    IMAGES("/v1/images/generations", UsageFormat.IMAGES, false, false),
    RERANK("/v1/rerank", UsageFormat.RERANK, false, false),
    /** Anthropic-native: the upstream wants its key in {@code x-api-key}. */
    MESSAGES("/v1/messages", UsageFormat.MESSAGES, false, true),
    AGENTS("/v1/agents/heroku", UsageFormat.AGENTS, true, false),
    MCP_SERVERS("/v1/mcp/servers", UsageFormat.NONE, false, false);

    final String path;
    final UsageFormat usage;
    final boolean alwaysStreams;
    final boolean anthropicAuth;

    Endpoint(String path, UsageFormat usage, boolean alwaysStreams, boolean anthropicAuth) {
        this.path = path;
        this.usage = usage;
        this.alwaysStreams = alwaysStreams;
        this.anthropicAuth = anthropicAuth;
    }

    /** The name stored on usage rows. */
    String label() {
        return path.substring(4);
    }
}
