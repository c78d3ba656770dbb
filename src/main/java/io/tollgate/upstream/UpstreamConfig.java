package io.tollgate.upstream;

import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * Explicit upstreams, {@code tollgate.upstreams.<name>.url|key|models}, in addition to the Heroku config vars
 * ({@code INFERENCE_URL}/{@code _KEY}/{@code _MODEL_ID} and every other {@code <NAME>_*} triple).
 */
@ConfigMapping(prefix = "tollgate.upstreams")
public interface UpstreamConfig {

    @WithParentName
    Map<String, Entry> named();

    interface Entry {
        /** Base URL, e.g. https://us.inference.heroku.com */
        String url();

        /** The Heroku AI key sent upstream (never shown to clients). */
        String key();

        /** The models this key serves; {@code *} for a key that serves many. */
        @WithDefault("*")
        List<String> models();
    }
}
