package io.tollgate.proxy;

import java.util.Map;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.proxy")
public interface ProxyConfig {

    /** Largest request body accepted; larger ones get 413. */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /**
     * Model aliases: the name a client sends to the Heroku model that answers (defaults: OpenAI's names to their
     * Heroku counterparts, so a team migrating from OpenAI changes only the URL and the key).
     */
    Map<String, String> aliases();
}
