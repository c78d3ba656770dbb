package io.tollgate.usage;

/** How an endpoint reports usage, in its JSON body and in its stream. */
public enum UsageFormat {
    /** OpenAI chat: {@code usage.prompt_tokens/completion_tokens}; streams: a usage chunk or usage on any chunk. */
    CHAT,
    /** Embeddings: {@code usage.prompt_tokens}. */
    EMBEDDINGS,
    /** Images: no usage object; the number of images generated. */
    IMAGES,
    /** Rerank: {@code meta.billed_units.search_units}. */
    RERANK,
    /** Anthropic: {@code usage.input_tokens/output_tokens}; streams: message_start and message_delta. */
    MESSAGES,
    /** Agents: the sum of every chat.completion event's usage. */
    AGENTS,
    /** Nothing to count (MCP server listing). */
    NONE
}
