package io.tollgate.simulator;

/**
 * Where a streamed chat completion reports its usage. Heroku does not document it, and its own clients read usage from
 * any chunk, so the gateway must cope with all three.
 */
public enum UsageMode {
    /**
     * OpenAI semantics: a {@code "choices": []} usage chunk before {@code [DONE]}, only when the request set
     * {@code stream_options.include_usage}.
     */
    INCLUDE_USAGE,
    /** Usage on the chunk that carries {@code finish_reason}, whether or not the request asked for it. */
    ON_FINAL_CHUNK,
    /** No usage in streams at all. */
    NONE
}
