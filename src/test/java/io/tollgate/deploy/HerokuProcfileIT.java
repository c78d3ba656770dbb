package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tollgate.support.Backends;

/**
 * The Procfile's commands, run exactly as written through {@code bash -c} in the project folder (the slug's
 * layout after Heroku's Java build), with Heroku's environment: PORT, DATABASE_URL pointing at a local PostgreSQL,
 * the INFERENCE_* triple pointing at the simulator, and app.json's generated secrets.
 */
class HerokuProcfileIT {

    static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(180);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.+\\.sql");

    @RegisterExtension
    static final Backends BACKENDS = new Backends();
    static Procfile procfile;

    @BeforeAll
    static void readProcfile() throws IOException {
        procfile = Procfile.read();
    }

    @Test
    void releaseMigratesTheSchemaAndExitsThenWebServesAChatCompletionOnPort() throws Exception {
        String database = createDatabase("release_then_web");
        int port = freePort();
        Map<String, String> env = heroku(database, port);
        assertFalse(hasTable(database, "flyway_schema_history"), "the database should start empty");

        Process release = run("release", env);
        assertTrue(release.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "release did not exit: " + log(release));
        assertEquals(0, release.exitValue(), "release failed: " + log(release));
        List<String> migrated = appliedVersions(database);
        assertEquals(migrationVersions(), migrated, "release should apply every migration in migrations/");

        Process web = run("web", env);
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base + "/q/health/ready", web);
            String admin = "Bearer " + env.get("TOLLGATE_ADMIN_TOKEN");
            String tenant = JSON.readTree(post(base + "/admin/v1/tenants", "{\"name\":\"heroku\"}", admin).body()).path("id")
                    .asText();
            String key = JSON.readTree(post(base + "/admin/v1/tenants/" + tenant + "/keys", "{\"name\":\"it\"}", admin).body())
                    .path("key").asText();
            HttpResponse<String> chat = post(base + "/v1/chat/completions",
                    "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Bearer " + key);
            assertEquals(200, chat.statusCode(), chat.body());
            assertEquals("chat.completion", JSON.readTree(chat.body()).path("object").asText(), chat.body());
            assertTrue(BACKENDS.simulator().count("/v1/chat/completions") >= 1,
                    "the completion should come from INFERENCE_URL");
        } finally {
            web.destroy();
            web.waitFor(60, TimeUnit.SECONDS);
            web.destroyForcibly();
        }
        assertEquals(migrated, appliedVersions(database), "web found the schema current and migrated nothing");
    }

    /** What Kubernetes pods starting together rely on (k8s/base/deployment.yaml): Flyway's lock. */
    @Test
    void releasesRunningTogetherMigrateOnce() throws Exception {
        String database = createDatabase("concurrent_releases");
        List<Process> releases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            releases.add(run("release", heroku(database, freePort())));
        }
        for (Process release : releases) {
            assertTrue(release.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "release did not exit: " + log(release));
            assertEquals(0, release.exitValue(), "a concurrent release failed: " + log(release));
        }
        assertEquals(migrationVersions(), appliedVersions(database), "each migration applied exactly once");
    }

    // --- Heroku's environment and processes --------------------------------------------------------------------------

    private static Map<String, String> heroku(String database, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", String.valueOf(port));
        env.putAll(BACKENDS.herokuEnv(database));
        env.put("INFERENCE_MODEL_ID", "claude-4-5-haiku");
        // app.json generates both with Heroku's "secret" generator: 64 hex characters
        env.put("TOLLGATE_ADMIN_TOKEN", secret());
        env.put("TOLLGATE_KEY_SECRET", secret());
        // the buildpack sets JAVA_OPTS; a small heap and quick JIT keep three JVMs within a CI machine
        env.put("JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        return env;
    }

    private static Process run(String type, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("tollgate-" + type, ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", procfile.command(type)).directory(AppSettings.ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.endsWith("_URL") || k.endsWith("_KEY") || k.endsWith("_MODEL_ID")
                || k.startsWith("TOLLGATE_") || k.startsWith("QUARKUS_") || k.startsWith("JAVA_"));
        environment.putAll(env);
        // `java` in the Procfile is the JDK running this test, as the buildpack's JDK is on a dyno's PATH
        environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + environment.getOrDefault("PATH", ""));
        Process process = builder.start();
        LOGS.put(process, log);
        return process;
    }

    private static final Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String log(Process process) throws IOException {
        return Files.readString(LOGS.get(process));
    }

    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // --- the database --------------------------------------------------------------------------------------------

    private static String createDatabase(String name) throws SQLException {
        try (Connection c = BACKENDS.postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return name;
    }

    private static DataSource database(String name) {
        return BACKENDS.postgres().getDatabase("postgres", name);
    }

    private static boolean hasTable(String database, String table) throws SQLException {
        try (Connection c = database(database).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select to_regclass('public." + table + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Every successful versioned migration in flyway_schema_history, in the order applied. */
    private static List<String> appliedVersions(String database) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = database(database).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select version, success from flyway_schema_history where version is not null order by installed_rank")) {
            while (rs.next()) {
                assertTrue(rs.getBoolean("success"), "migration " + rs.getString("version") + " failed");
                versions.add(rs.getString("version"));
            }
        }
        return versions;
    }

    /** The versions of the migration files, in version order. */
    private static List<String> migrationVersions() throws IOException {
        TreeMap<Integer, String> versions = new TreeMap<>();
        try (Stream<Path> files = Files.list(AppSettings.MIGRATIONS)) {
            files.forEach(f -> {
                Matcher m = MIGRATION.matcher(f.getFileName().toString());
                if (m.matches()) {
                    versions.put(Integer.parseInt(m.group(1)), m.group(1));
                }
            });
        }
        assertFalse(versions.isEmpty(), "no migrations in " + AppSettings.MIGRATIONS);
        return List.copyOf(versions.values());
    }

    // --- HTTP ------------------------------------------------------------------------------------------------------

    private static void awaitReady(String url, Process process) throws Exception {
        long deadline = System.nanoTime() + PROCESS_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("web exited: " + log(process));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("web not ready in time: " + log(process));
    }

    private static HttpResponse<String> post(String url, String body, String auth) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
