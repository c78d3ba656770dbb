package io.tollgate.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL started from Maven Central's binaries, for dev and test on a machine with no database
 * configured. One per JVM: dev-mode restarts and test classes share it.
 */
final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    /**
     * Dev mode reloads classes on every change, so a static field does not survive; the running server's port is
     * kept where every class loader of this JVM sees it.
     */
    private static final String PORT_PROPERTY = "tollgate.internal.embedded-db-port";
    private static EmbeddedDatabase instance;

    private final int port;

    private EmbeddedDatabase(int port) {
        this.port = port;
    }

    /** @param dataDir a folder that keeps the data across restarts, or null for a throw-away one */
    static synchronized EmbeddedDatabase start(String dataDir) {
        if (instance == null && System.getProperty(PORT_PROPERTY) != null) {
            instance = new EmbeddedDatabase(Integer.parseInt(System.getProperty(PORT_PROPERTY)));
        }
        if (instance == null) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", dataDir == null ? "off" : "on");
                if (dataDir != null) {
                    Path dir = Path.of(dataDir).toAbsolutePath();
                    Files.createDirectories(dir);
                    builder.setDataDirectory(dir).setCleanDataDirectory(false);
                }
                EmbeddedPostgres postgres = builder.start();
                LOG.infof("Embedded PostgreSQL on port %d%s", postgres.getPort(),
                        dataDir == null ? " (throw-away data)" : ", data in " + Path.of(dataDir).toAbsolutePath());
                System.setProperty(PORT_PROPERTY, String.valueOf(postgres.getPort()));
                instance = new EmbeddedDatabase(postgres.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
        }
        return instance;
    }

    Map<String, String> quarkusProperties() {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }
}
