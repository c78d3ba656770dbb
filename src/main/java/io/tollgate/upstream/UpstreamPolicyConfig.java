package io.tollgate.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How tollgate treats its upstreams: timeouts, retries, circuit breaker, bulkhead. Defaults for all, and per
 * upstream under {@code tollgate.upstream.named."<name>".*} (the name is the attachment's, lower-cased:
 * {@code inference}, {@code embedding}, ...).
 */
@ConfigMapping(prefix = "tollgate.upstream")
public interface UpstreamPolicyConfig {

    /** Time to open a connection; past it the attempt fails (retried, then 502). */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Longest wait for the response headers (a non-streamed generation can take minutes); then 504. */
    @WithDefault("300s")
    Duration firstByteTimeout();

    /** Longest silence between stream events (an agent's tool can run 120 s); then an error event ends the stream. */
    @WithDefault("300s")
    Duration idleTimeout();

    /** Attempts per request, the first included (connect failures, resets, 408/429/5xx/529). 1 = no retry. */
    @WithDefault("3")
    int maxAttempts();

    /** All attempts and their waits fit in this; a Retry-After that does not fit is handed to the client at once. */
    @WithDefault("30s")
    Duration retryBudget();

    /** First backoff; doubles each retry, with jitter, up to {@link #backoffMax()}. */
    @WithDefault("200ms")
    Duration backoffInitial();

    @WithDefault("5s")
    Duration backoffMax();

    /** Circuit breaker: opens when this share of the last {@link #breakerRequestVolume()} calls failed. */
    @WithDefault("0.5")
    double breakerFailureRatio();

    @WithDefault("20")
    int breakerRequestVolume();

    /** How long an open breaker answers 503 before letting a probe through. */
    @WithDefault("30s")
    Duration breakerDelay();

    /** Concurrent upstream calls (until their headers arrive) per upstream; more wait in the queue. */
    @WithDefault("256")
    int bulkheadLimit();

    /** Calls waiting for the bulkhead; past it, 503 at once. */
    @WithDefault("512")
    int bulkheadQueue();

    /** Connections kept per upstream host; each open stream holds one. */
    @WithDefault("1000")
    int maxConnectionsPerUpstream();

    /** Per-upstream overrides of the settings above. */
    Map<String, Override> named();

    interface Override {
        Optional<Duration> connectTimeout();

        Optional<Duration> firstByteTimeout();

        Optional<Duration> idleTimeout();

        Optional<Integer> maxAttempts();

        Optional<Duration> retryBudget();

        Optional<Double> breakerFailureRatio();

        Optional<Integer> breakerRequestVolume();

        Optional<Duration> breakerDelay();

        Optional<Integer> bulkheadLimit();

        Optional<Integer> bulkheadQueue();
    }
}
