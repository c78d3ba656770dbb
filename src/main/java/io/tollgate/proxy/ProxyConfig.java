package io.tollgate.proxy;

import java.time.Duration;
import java.util.Map;

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
