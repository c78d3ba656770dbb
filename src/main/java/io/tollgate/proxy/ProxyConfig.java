package io.tollgate.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.proxy")
public interface ProxyConfig {

    /** Send {@code Server-Timing} (auth, upstream, gateway) on every proxied response. */
    @WithDefault("true")
    boolean serverTiming();

    /**
     * A stream silent this long (an agent's tool at work, a slow model) gets an SSE comment line, which clients
     * ignore, so that what stands between tollgate and its clients does not cut it for idling: Heroku's router
     * after 55 s, load balancers and ingress controllers often after 60 s. {@code 0}: never.
     */
    @WithDefault("15s")
    Duration streamKeepalive();

    /**
     * The longest a client waits for its answer to start (its status and headers); past it tollgate answers 504
     * {@code answer_deadline_exceeded} itself, before a proxy in front of it cuts the request. Heroku's router gives
     * up after 30 s without a byte (H12, its own 503, which SDKs retry): there (where {@code DYNO} is set) the
     * default is {@link #HEROKU_ANSWER_DEADLINE}; elsewhere none unless set (an ingress's timeout minus a margin).
     */
    Optional<Duration> answerDeadline();

    Duration HEROKU_ANSWER_DEADLINE = Duration.ofSeconds(25);

    /** The answer deadline in force: the configured one (0: none), else Heroku's default on a dyno; null: none. */
    static Duration answerDeadline(Optional<Duration> configured, Map<String, String> env) {
        if (configured.isPresent()) {
            return configured.get().isZero() ? null : configured.get();
        }
        return env.containsKey("DYNO") ? HEROKU_ANSWER_DEADLINE : null;
    }

    /** Largest request body accepted; larger ones get 413. */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /**
     * Model aliases: the name a client sends to the Heroku model that answers (defaults: OpenAI's names to their
     * Heroku counterparts, so a team migrating from OpenAI changes only the URL and the key).
     */
    Map<String, String> aliases();

    /**
     * Fallback models: when a model's upstream fails after its retries, or its breaker is open, the request goes to
     * this model instead (e.g. {@code tollgate.proxy.fallbacks."claude-4-5-sonnet"=claude-4-sonnet}). One hop only.
     */
    Map<String, String> fallbacks();
}
