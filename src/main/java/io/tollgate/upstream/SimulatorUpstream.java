package io.tollgate.upstream;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.tollgate.simulator.HerokuSimulator;
import io.tollgate.simulator.SimulatorOptions;

/**
 * The bundled Heroku AI simulator as an upstream: in dev and test when no Heroku credentials are set, so that
 * tollgate answers out of the box and tests talk to a real HTTP server. It runs on its own Vert.x instance: a
 * simulated stall never holds the gateway's event loops.
 */
@Singleton
public class SimulatorUpstream {

    private static final Logger LOG = Logger.getLogger(SimulatorUpstream.class);

    private final SimulatorConfig config;
    private volatile HerokuSimulator simulator;

    public SimulatorUpstream(SimulatorConfig config) {
        this.config = config;
    }

    boolean shouldStart(boolean noUpstreamConfigured, LaunchMode mode) {
        return config.enabled().orElse(noUpstreamConfigured && mode != LaunchMode.NORMAL);
    }

    synchronized Upstream start() {
        if (simulator == null) {
            simulator = HerokuSimulator.start(SimulatorOptions.builder()
                    .port(config.port())
                    .chunkDelayMs(config.chunkDelayMs())
                    .build());
            LOG.infof("No Heroku credentials set: forwarding to the bundled Heroku AI simulator at %s",
                    simulator.baseUrl());
        }
        return new Upstream("simulator", URI.create(simulator.baseUrl()), simulator.key(), Set.of());
    }

    /** The running simulator, for tests that steer it. */
    public Optional<HerokuSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    @PreDestroy
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
