package io.tollgate.support;

import java.io.IOException;
import java.util.Map;

import io.tollgate.simulator.HerokuSimulator;
import io.tollgate.simulator.SimulatorOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * What a packaged tollgate process needs around it in an IT: a PostgreSQL of its own (embedded) and the Heroku AI
 * simulator, both real servers, and the environment that points a process at them as Heroku would.
 */
public final class Backends implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final HerokuSimulator simulator;

    private Backends(EmbeddedPostgres postgres, HerokuSimulator simulator) {
        this.postgres = postgres;
        this.simulator = simulator;
    }

    public static Backends start() throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        try {
            return new Backends(postgres, HerokuSimulator.start(SimulatorOptions.builder().build()));
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    public HerokuSimulator simulator() {
        return simulator;
    }

    /** DATABASE_URL in Heroku's form for {@code database}, and the INFERENCE_URL / INFERENCE_KEY of the simulator. */
    public Map<String, String> herokuEnv(String database) {
        return Map.of("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/" + database,
                "INFERENCE_URL", simulator.baseUrl(), "INFERENCE_KEY", simulator.key());
    }

    @Override
    public void close() throws IOException {
        try {
            simulator.close();
        } finally {
            postgres.close();
        }
    }
}
