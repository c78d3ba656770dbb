package io.tollgate.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.tollgate.simulator.HerokuSimulator;
import io.tollgate.simulator.SimulatorOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * What a packaged tollgate process needs around it in an IT: a PostgreSQL of its own (embedded) and the Heroku AI
 * simulator, both real servers, and the environment that points a process at them as Heroku would. A JUnit extension:
 * {@code @RegisterExtension static final Backends BACKENDS = new Backends();} starts them before the class's tests
 * (once the packaged jar is there) and stops them after.
 */
public final class Backends implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedPostgres postgres;
    private HerokuSimulator simulator;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        assertTrue(Files.exists(PackagedApp.JAR), "package the application first (mvn verify does)");
        postgres = EmbeddedPostgres.builder().start();
        try {
            simulator = HerokuSimulator.start(SimulatorOptions.builder().build());
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (simulator != null) {
                simulator.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
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
        return herokuEnv(database, postgres.getPort());
    }

    /** The same, reaching PostgreSQL through another port: a {@link TcpCutter}'s in front of it. */
    public Map<String, String> herokuEnv(String database, int port) {
        return Map.of("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:" + port + "/" + database,
                "INFERENCE_URL", simulator.baseUrl(), "INFERENCE_KEY", simulator.key());
    }
}
