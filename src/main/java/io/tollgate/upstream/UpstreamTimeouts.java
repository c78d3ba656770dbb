package io.tollgate.upstream;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.upstream")
public interface UpstreamTimeouts {

    /** Time to open a connection to an upstream; past it the client gets 502. */
    @WithDefault("5s")
    Duration connectTimeout();

    /**
     * Longest silence from an upstream: before its first byte (non-streamed generations can take minutes) and
     * between stream events (an agent's tool can run for 120 s). Past it: 504, or an error event mid-stream.
     */
    @WithDefault("300s")
    Duration idleTimeout();

    /** Connections kept per upstream host; each open stream holds one. */
    @WithDefault("1000")
    int maxConnectionsPerUpstream();
}
