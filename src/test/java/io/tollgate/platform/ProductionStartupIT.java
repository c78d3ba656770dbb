package io.tollgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.support.Backends;

/**
 * The packaged application in the production profile, as a separate process with nothing but environment
 * variables: Heroku's DATABASE_URL, PORT and INFERENCE_* triple.
 */
class ProductionStartupIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final String ADMIN = "it-admin-token-0123456789";
    @RegisterExtension
    static final Backends BACKENDS = new Backends();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void refusesToStartWithoutADatabaseAndSaysWhatToSet() throws Exception {
        Process process = launch(Map.of("TOLLGATE_ADMIN_TOKEN", ADMIN, "TOLLGATE_KEY_SECRET", "s".repeat(40)), freePort());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it should stop by itself");
        String output = output(process);
        assertNotEquals(0, process.exitValue());
        assertTrue(output.contains("No database configured. Set DATABASE_URL"), output);
    }

    @Test
    void startsFromHerokuEnvironmentForwardsAChatCompletionAndLogsNoWarningUntilStopped() throws Exception {
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.putAll(BACKENDS.herokuEnv("postgres"));
        env.put("INFERENCE_MODEL_ID", "claude-4-5-haiku");
        env.put("TOLLGATE_ADMIN_TOKEN", ADMIN);
        env.put("TOLLGATE_KEY_SECRET", "k".repeat(48));
        Process process = launch(env, port);
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base + "/q/health/ready", process);
            String tenant = json(post(base + "/admin/v1/tenants", "{\"name\":\"it\"}", "Bearer " + ADMIN), "id");
            String key = json(post(base + "/admin/v1/tenants/" + tenant + "/keys", "{\"name\":\"it\"}", "Bearer " + ADMIN),
                    "key");
            HttpResponse<String> chat = post(base + "/v1/chat/completions",
                    "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Bearer " + key);
            assertEquals(200, chat.statusCode(), chat.body());
            assertTrue(chat.body().contains("chat.completion"));
            // INFERENCE_MODEL_ID names the one model that attachment serves
            HttpResponse<String> other = post(base + "/v1/chat/completions",
                    "{\"model\":\"claude-4-5-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Bearer " + key);
            assertEquals(404, other.statusCode(), other.body());
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        // an operator reads a WARN as something to look into: a clean start, these requests and a SIGTERM give none
        String log = output(process);
        assertTrue(log.contains("\"message\":\"tollgate stopped"), log);
        List<String> warnings = log.lines()
                .filter(line -> line.contains("\"level\":\"WARN\"") || line.contains("\"level\":\"ERROR\""))
                .toList();
        assertEquals(List.of(), warnings);
    }

    private static Process launch(Map<String, String> env, int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString())).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("tollgate-it", ".log").toFile());
        builder.environment().keySet().removeIf(k -> k.endsWith("_URL") || k.endsWith("_KEY") || k.startsWith("TOLLGATE_")
                || k.startsWith("QUARKUS_"));
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        Process process = builder.start();
        LOGS.put(process, builder.redirectOutput().file().toPath());
        return process;
    }

    private static final Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String output(Process process) throws IOException {
        return Files.readString(LOGS.get(process));
    }

    private static void awaitReady(String url, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exited: " + output(process));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready in time");
    }

    private static HttpResponse<String> post(String url, String body, String auth) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String json(HttpResponse<String> response, String field) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path(field).asText();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
