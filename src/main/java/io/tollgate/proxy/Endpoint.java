package io.tollgate.proxy;

import io.tollgate.usage.UsageFormat;
import io.vertx.core.http.HttpMethod;

/** The Heroku AI endpoints tollgate forwards, with what each needs on the way. */
enum Endpoint {
    CHAT("/v1/chat/completions", UsageFormat.CHAT, false, false),
    EMBEDDINGS("/v1/embeddings", UsageFormat.EMBEDDINGS, false, false),
    IMAGES("/v1/images/generations", UsageFormat.IMAGES, false, false),
    RERANK("/v1/rerank", UsageFormat.RERANK, false, false),
    /** Anthropic-native: the upstream wants its key in {@code x-api-key}. */
    MESSAGES("/v1/messages", UsageFormat.MESSAGES, false, true),
    AGENTS("/v1/agents/heroku", UsageFormat.AGENTS, true, false),
    MCP_SERVERS("/v1/mcp/servers", UsageFormat.NONE, false, false),
    /**
     * OpenAI's Responses API, which Heroku AI does not have: served through chat completions, the request and the
     * answer translated (see the responses package).
     */
    RESPONSES("/v1/responses", "/v1/chat/completions", UsageFormat.CHAT, false, false);

    final String path;
    /** Where the request goes upstream. */
    final String upstreamPath;
    final UsageFormat usage;
    final boolean alwaysStreams;
    final boolean anthropicAuth;

    Endpoint(String path, UsageFormat usage, boolean alwaysStreams, boolean anthropicAuth) {
        this(path, path, usage, alwaysStreams, anthropicAuth);
    }

    Endpoint(String path, String upstreamPath, UsageFormat usage, boolean alwaysStreams, boolean anthropicAuth) {
        this.path = path;
        this.upstreamPath = upstreamPath;
        this.usage = usage;
        this.alwaysStreams = alwaysStreams;
        this.anthropicAuth = anthropicAuth;
    }

    /** The method the endpoint is called with, here and upstream: a GET for the MCP servers' list, a POST else. */
    HttpMethod method() {
        return this == MCP_SERVERS ? HttpMethod.GET : HttpMethod.POST;
    }

    /** Whether the upstream answers in chat completions' shape (so a stream is asked for its usage). */
    boolean chatUpstream() {
        return usage == UsageFormat.CHAT;
    }

    /** Whether the answer is generated text (so a stream can be asked for, and output tokens reserved). */
    boolean generates() {
        return this == CHAT || this == MESSAGES || this == AGENTS || this == RESPONSES;
    }

    /** The name stored on usage rows. */
    String label() {
        return path.substring(4);
    }
}
