package io.tollgate.apikey;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "tollgate.key")
public interface ApiKeyConfig {

    /**
     * The server secret of the keys' HMAC (env TOLLGATE_KEY_SECRET). Every replica must share it; changing it
     * invalidates every key.
     */
    Optional<String> secret();
}
