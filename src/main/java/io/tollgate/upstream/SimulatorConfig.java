package io.tollgate.upstream;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The bundled Heroku AI simulator, used as the upstream in dev and test when no Heroku credentials are set. */
@ConfigMapping(prefix = "tollgate.simulator")
public interface SimulatorConfig {

    /** Start it: unset means "in dev and test, when no upstream is configured"; never in production by default. */
    Optional<Boolean> enabled();

    /** Its port (0: any free port). */
    @WithDefault("0")
    int port();

    /** Milliseconds between stream events, for a realistic token cadence. */
    @WithDefault("0")
    int chunkDelayMs();
}
