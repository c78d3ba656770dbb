package io.tollgate.usage;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tollgate.simulator.Fault;
import io.tollgate.simulator.HerokuSimulator;
import io.tollgate.simulator.SimulatorOptions;
import io.tollgate.support.LedgerOutage;
import io.tollgate.support.TcpCutter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The durability promise, against the packaged gateway as a separate process: killed with SIGKILL under load, and
 * with PostgreSQL unreachable (every connection cut, new ones refused) then back. Every request the client saw
 * complete must have exactly one usage row.
 */
class UsageLedgerIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final String ADMIN = "it-admin-token-0123456789";
    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]%s}";
    /** The promises of durable mode (each row committed before its answer); the outage tests run the default too. */
    static final Map<String, String> DURABLE = Map.of("TOLLGATE_USAGE_MODE", "durable");
    /** Reservations left by a killed process booked within seconds (the default waits an hour). */
    static final Map<String, String> SHORT_RESERVATIONS = Map.of("TOLLGATE_USAGE_RESERVATION_TIMEOUT", "2s",
            "TOLLGATE_USAGE_RESERVATION_SWEEP_INTERVAL", "300ms");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedPostgres postgres;
    static HerokuSimulator simulator;
    static TcpCutter database;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(Files.exists(JAR), "package the application first (mvn verify does)");
        postgres = EmbeddedPostgres.builder().start();
        simulator = HerokuSimulator.start(SimulatorOptions.builder().rateLimits(false).chunkDelayMs(2).build());
        database = new TcpCutter(postgres.getPort());
    }

    /** Whatever a test started and did not stop (it failed first) is killed, not left running after the build. */
    @AfterEach
    void killLeftovers() {
        Gateway.STARTED.forEach(g -> g.process.destroyForcibly());
        Gateway.STARTED.clear();
    }

    @AfterAll
    static void stop() throws IOException {
        if (database != null) {
            database.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void everyAnsweredRequestHasExactlyOneRowAfterKillDashNine() throws Exception {
        Path spool = Files.createTempDirectory("tollgate-spool");
        Gateway gateway = Gateway.start(spool, DURABLE);
        String tenant = gateway.newTenant();
        String key = gateway.newKey(tenant);

        Set<String> seen = killUnderLoad(gateway, key);

        Gateway restarted = Gateway.start(spool, DURABLE);
        try {
            awaitCondition("every answered request's row", Duration.ofSeconds(60), () -> missing(seen).isEmpty());
            assertRollupMatchesRows(tenant);
        } finally {
            restarted.stop();
        }
    }

    @Test
    void reservedModeBooksWhatAKilledReplicaServedAsEstimatesAndCountsEachRequestOnce() throws Exception {
        // reserved mode, exact rows written only along with reservations (no flush of their own): at the kill, the
        // requests in flight and the rows queued since the last write are known only by their reservations
        Map<String, String> reserved = with(SHORT_RESERVATIONS,
                Map.of("TOLLGATE_USAGE_MODE", "reserved", "TOLLGATE_USAGE_FLUSH_INTERVAL", "1h"));
        Path spool = Files.createTempDirectory("tollgate-spool");
        Gateway gateway = Gateway.start(spool, reserved);
        String tenant = gateway.newTenant();
        String key = gateway.newKey(tenant);
        int upstreamBefore = simulator.count("/v1/chat/completions");

        Set<String> seen = killUnderLoad(gateway, key);
        assertTrue(reservations(tenant) > 0, "requests in flight at the kill left their reservations");

        Gateway restarted = Gateway.start(spool, reserved);
        try {
            awaitCondition("every reservation booked and every answered request's row", Duration.ofSeconds(60),
                    () -> reservations(tenant) == 0 && missing(seen).isEmpty());
            long rows = countRows(tenant);
            long estimated = estimatedRows(tenant);
            assertTrue(estimated > 0, "the requests in flight are booked as estimates");
            assertTrue(rows > seen.size(), "more rows than answers: the requests in flight have theirs");
            // a reservation is committed as its request goes upstream: only the eight in flight may not have got there
            assertTrue(rows <= simulator.count("/v1/chat/completions") - upstreamBefore + 8,
                    "no row for a request that never went upstream");
            assertRollupMatchesRows(tenant);
        } finally {
            restarted.stop();
        }
    }

    /**
     * PostgreSQL cut during traffic, back, cut again and SIGKILL while the rows are only in the spool: in
     * {@code durable} mode and in the default mode ({@code reserved}, nothing set).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "durable", "default" })
    void postgresOutageKeepsKnownKeysWorkingAndLosesNoRow(String mode) throws Exception {
        boolean durable = mode.equals("durable");
        Map<String, String> env = durable ? DURABLE : Map.of();
        Path spool = Files.createTempDirectory("tollgate-spool");
        Gateway gateway = Gateway.start(spool, env);
        String tenant = gateway.newTenant();
        String key = gateway.newKey(tenant);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        answered.add(gateway.answered(key, false)); // the key is now known to the gateway
        try {
            database.cut();
            for (int i = 0; i < 20; i++) {
                answered.add(gateway.answered(key, i % 2 == 0));
            }
            HttpResponse<String> unknown = gateway.chat("tg-" + "A".repeat(43), false);
            assertEquals(503, unknown.statusCode(), "an unknown key cannot be checked: 503, not 401");
            HttpResponse<String> ready = gateway.get("/q/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"degraded\""), ready.body());
            assertTrue(gateway.get("/q/metrics").body().contains("tollgate_usage_spool_rows"));
            // in reserved mode each answer waited for its reservation, fsync'd to the spool; durable mode has none
            long spooled = spooledReservations(spool);
            assertTrue(durable ? spooled == 0 : spooled >= 20, spooled + " reservations spooled");

            database.restore();
            Set<String> firstOutage = Set.copyOf(answered);
            awaitCondition("rows of the outage", Duration.ofSeconds(30), () -> missing(firstOutage).isEmpty());
            awaitCondition("readiness back to ok", Duration.ofSeconds(30),
                    () -> !gateway.get("/q/health/ready").body().contains("\"degraded\""));
            awaitCondition("no reservation left", Duration.ofSeconds(30), () -> reservations(tenant) == 0);
            assertEquals(0, estimatedRows(tenant), "every row of the outage exact: its reservation replaced");

            // again, and this time the gateway is killed while the rows are only in its spool (and, in reserved
            // mode, the rows queued since the last write only in its memory: their reservations are spooled)
            database.cut();
            for (int i = 0; i < 20; i++) {
                answered.add(gateway.answered(key, i % 2 == 1));
            }
            gateway.process.destroyForcibly();
            gateway.process.waitFor(10, TimeUnit.SECONDS);
        } finally {
            database.restore();
        }
        Gateway restarted = Gateway.start(spool, with(env, SHORT_RESERVATIONS));
        try {
            Set<String> all = Set.copyOf(answered);
            awaitCondition("rows spooled before the kill, every reservation booked", Duration.ofSeconds(60),
                    () -> missing(all).isEmpty() && reservations(tenant) == 0);
            assertEquals(all.size(), countRows(tenant), "no row doubled, none from elsewhere");
            assertRollupMatchesRows(tenant);
        } finally {
            restarted.stop();
        }
    }

    /**
     * PostgreSQL cut and the spool unwritable: an answer whose row (durable) or reservation (the default mode,
     * reserved) can be written nowhere is withheld with 503; in reserved mode its exact row is written once the
     * ledger is back (the upstream served the request), in durable mode no row is.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "durable", "default" })
    void anAnswerWhoseRowCanBeWrittenNowhereIsWithheldWith503AndCounted(String mode) throws Exception {
        boolean durable = mode.equals("durable");
        Path spool = Files.createTempDirectory("tollgate-spool");
        Gateway gateway = Gateway.start(spool, durable ? DURABLE : Map.of());
        String tenant = gateway.newTenant();
        String key = gateway.newKey(tenant);
        gateway.answered(key, false); // the key is now known to the gateway
        assertEquals(0.0, failedRows(gateway), "nothing failed yet");
        Set<String> withheld = new java.util.HashSet<>();
        try (LedgerOutage outage = LedgerOutage.start(database, spool)) {
            HttpResponse<String> json = gateway.chat(key, false);
            assertEquals(503, json.statusCode(), json.body());
            assertEquals("usage_ledger_unavailable", JSON.readTree(json.body()).path("error").path("code").asText(),
                    json.body());
            assertFalse(json.body().contains("\"choices\""), "the answer itself is withheld: " + json.body());
            withheld.add(json.headers().firstValue("x-request-id").orElseThrow());

            HttpResponse<String> stream = gateway.chat(key, true);
            assertEquals(200, stream.statusCode(), "a stream's head has gone before its row is written");
            assertTrue(stream.body().contains("\"code\":\"usage_ledger_unavailable\""), stream.body());
            assertFalse(stream.body().contains("[DONE]"), "no end marker without the row: " + stream.body());
            withheld.add(stream.headers().firstValue("x-request-id").orElseThrow());

            // OpenAI's Responses API: its stream's end, response.completed, waits for the row as [DONE] does
            HttpResponse<String> responses = gateway.post("/v1/responses", key,
                    "{\"model\":\"claude-4-5-haiku\",\"input\":\"Hi\",\"stream\":true}");
            assertEquals(200, responses.statusCode(), responses.body());
            assertTrue(responses.body().contains("event: error\n") && responses.body().contains(
                    "\"code\":\"usage_ledger_unavailable\""), responses.body());
            assertFalse(responses.body().contains("response.completed"), "no end without the row: " + responses.body());
            withheld.add(responses.headers().firstValue("x-request-id").orElseThrow());

            if (durable) {
                assertEquals(3.0, failedRows(gateway), "each withheld answer's row counted");
            } else {
                // the reservations, and the exact rows each time their write is tried again
                assertTrue(failedRows(gateway) >= 3.0, "each withheld answer's reservation counted");
            }
        }
        // either back: answered again, and the rows land
        String after = gateway.answered(key, false);
        awaitCondition("the row of the request after", Duration.ofSeconds(30), () -> missing(Set.of(after)).isEmpty());
        if (durable) {
            assertEquals(withheld, missing(withheld), "a withheld answer leaves no row: its client was not served");
        } else {
            awaitCondition("the withheld requests' exact rows (kept in memory)", Duration.ofSeconds(30),
                    () -> missing(withheld).isEmpty());
            assertEquals(0, estimatedRows(tenant), "exact rows, not estimates");
            assertEquals(0, reservations(tenant), "their reservations were never written, and nothing is left");
        }
        assertRollupMatchesRows(tenant);
        gateway.stop();
    }

    private static double failedRows(Gateway gateway) throws Exception {
        String metrics = gateway.get("/q/metrics").body();
        return metrics.lines().filter(l -> l.startsWith("tollgate_usage_ledger_failed_rows_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no tollgate_usage_ledger_failed_rows_total in " + metrics));
    }

    @Test
    void sigtermDrainsAsyncRowsToPostgresOrElseToTheSpool() throws Exception {
        // async mode with a flush interval that never comes: the rows are only in memory when SIGTERM arrives
        Map<String, String> async = Map.of("TOLLGATE_USAGE_MODE", "async", "TOLLGATE_USAGE_FLUSH_INTERVAL", "1h");
        Path spool = Files.createTempDirectory("tollgate-spool");
        Gateway gateway = Gateway.start(spool, async);
        String tenant = gateway.newTenant();
        String key = gateway.newKey(tenant);
        Set<String> drained = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            drained.add(gateway.answered(key, i % 2 == 0));
        }
        gateway.stop(); // SIGTERM
        assertEquals(Set.of(), missing(drained), "written to PostgreSQL at shutdown");

        // the same with PostgreSQL unreachable: the rows go to the spool, and the next start replays them
        Gateway second = Gateway.start(spool, async);
        Set<String> spooled = new java.util.HashSet<>();
        spooled.add(second.answered(key, false));
        try {
            database.cut();
            for (int i = 0; i < 10; i++) {
                spooled.add(second.answered(key, i % 2 == 0));
            }
            second.stop();
        } finally {
            database.restore();
        }
        try (var files = Files.list(spool)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".spool")), "rows spooled at shutdown");
        }
        Gateway third = Gateway.start(spool);
        try {
            awaitCondition("spooled rows replayed", Duration.ofSeconds(60), () -> missing(spooled).isEmpty());
            assertEquals(drained.size() + spooled.size(), countRows(tenant));
            assertRollupMatchesRows(tenant);
        } finally {
            third.stop();
        }
    }

    /**
     * Eight clients (half of them streaming) send chats until 200 were answered, then the gateway gets SIGKILL; answers
     * the request ids of the answers the clients saw complete.
     */
    private static Set<String> killUnderLoad(Gateway gateway, String key) throws Exception {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            boolean stream = i % 2 == 0;
            clients.submit(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = gateway.chat(key, stream);
                        if (r.statusCode() == 200 && (!stream || r.body().contains("[DONE]"))) {
                            answered.add(r.headers().firstValue("x-request-id").orElseThrow());
                        }
                    } catch (IOException e) {
                        // the gateway died under this request: not answered
                    } catch (InterruptedException e) {
                        return null;
                    }
                }
                return null;
            });
        }
        awaitCondition("load under way", Duration.ofSeconds(30), () -> answered.size() >= 200);
        // four requests held in flight by an upstream that stalls mid-answer, so that the kill finds some between
        // their start and their answer however fast the machine (with its 2 ms chunks an answer takes a few ms), and
        // twenty more after them, by which time the writes of the stalled ones' start (reservations) have gone
        simulator.enqueue(Fault.stallAfterEvents(1).withTimes(4));
        awaitCondition("the stalled requests under way", Duration.ofSeconds(30), () -> simulator.pendingFaults().isEmpty());
        int stalledBy = simulator.count("/v1/chat/completions");
        awaitCondition("requests after the stalled ones", Duration.ofSeconds(30),
                () -> simulator.count("/v1/chat/completions") >= stalledBy + 20);
        gateway.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        gateway.process.waitFor(10, TimeUnit.SECONDS);
        running.set(false);
        clients.shutdown();
        assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
        return Set.copyOf(answered);
    }

    private static Set<String> missing(Set<String> requestIds) {
        try (Connection c = jdbc();
                PreparedStatement s = c.prepareStatement("select request_id from usage_event where request_id = any(?)")) {
            s.setArray(1, c.createArrayOf("text", requestIds.toArray()));
            Set<String> missing = new java.util.HashSet<>(requestIds);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getString(1));
                }
            }
            return missing;
        } catch (SQLException e) {
            return requestIds;
        }
    }

    /** The gateway's settings {@code base} with those of {@code more} added. */
    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(base);
        settings.putAll(more);
        return settings;
    }

    private static long reservations(String tenant) throws SQLException {
        return single("select count(*) from usage_reservation where tenant_id = ?::uuid", tenant);
    }

    private static long estimatedRows(String tenant) throws SQLException {
        return single("select count(*) from usage_event where tenant_id = ?::uuid and estimated", tenant);
    }

    /** Reservations in the spool's segments (and those of its instance directories), replayed or not. */
    private static long spooledReservations(Path spool) throws IOException {
        try (var files = Files.walk(spool)) {
            long count = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                count += Files.readAllLines(file).stream().filter(l -> l.contains("\"kind\":\"RESERVATION\"")).count();
            }
            return count;
        }
    }

    private static long countRows(String tenant) throws SQLException {
        return single("select count(*) from usage_event where tenant_id = ?::uuid", tenant);
    }

    /** The rollup counted each row once: a replayed row was not added twice. */
    private static void assertRollupMatchesRows(String tenant) throws SQLException {
        assertEquals(countRows(tenant), single("select coalesce(sum(requests), 0) from usage_daily where tenant_id = ?::uuid",
                tenant));
        assertEquals(single("select coalesce(sum(total_tokens), 0) from usage_event where tenant_id = ?::uuid", tenant),
                single("select coalesce(sum(total_tokens), 0) from usage_daily where tenant_id = ?::uuid", tenant));
        assertEquals(estimatedRows(tenant), single("select coalesce(sum(estimated_requests), 0) from usage_daily"
                + " where tenant_id = ?::uuid", tenant));
    }

    private static long single(String sql, String param) throws SQLException {
        try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres",
                "postgres");
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void awaitCondition(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The packaged gateway, a separate process on the cuttable database connection. */
    static final class Gateway {
        static final List<Gateway> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Process process;
        final String base;
        final Path log;

        private Gateway(Process process, String base, Path log) {
            this.process = process;
            this.base = base;
            this.log = log;
        }

        static Gateway start(Path spool) throws Exception {
            return start(spool, Map.of());
        }

        static Gateway start(Path spool, Map<String, String> extra) throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Map<String, String> env = new HashMap<>();
            env.put("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:" + database.port() + "/postgres");
            env.put("INFERENCE_URL", simulator.baseUrl());
            env.put("INFERENCE_KEY", simulator.key());
            env.put("TOLLGATE_ADMIN_TOKEN", ADMIN);
            env.put("TOLLGATE_KEY_SECRET", "k".repeat(48));
            env.put("TOLLGATE_USAGE_SPOOL_DIR", spool.toString());
            env.put("TOLLGATE_USAGE_REPLAY_INTERVAL", "200ms");
            env.put("TOLLGATE_USAGE_WRITE_TIMEOUT", "1s");
            // keys are re-checked after a second: the outage grace, not the cache, keeps them working
            env.put("TOLLGATE_AUTH_CACHE_TTL", "1s");
            env.put("PORT", String.valueOf(port));
            env.putAll(extra);
            Path log = Files.createTempFile("tollgate-ledger-it", ".log");
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.endsWith("_URL") || k.endsWith("_KEY")
                    || k.startsWith("TOLLGATE_") || k.startsWith("QUARKUS_"));
            builder.environment().putAll(env);
            Gateway gateway = new Gateway(builder.start(), "http://127.0.0.1:" + port, log);
            STARTED.add(gateway);
            gateway.awaitReady();
            return gateway;
        }

        void awaitReady() throws Exception {
            awaitCondition("gateway ready", Duration.ofSeconds(90), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("exited: " + Files.readString(log));
                }
                try {
                    return get("/q/health/ready").statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        }

        /** SIGTERM, and wait for the process to end. */
        void stop() throws InterruptedException {
            process.destroy();
            assertTrue(process.waitFor(40, TimeUnit.SECONDS), "stopped after SIGTERM");
        }

        String newTenant() throws Exception {
            return admin("/admin/v1/tenants", "{\"name\":\"t-" + java.util.UUID.randomUUID() + "\"}", "id");
        }

        String newKey(String tenant) throws Exception {
            return admin("/admin/v1/tenants/" + tenant + "/keys", "{\"name\":\"it\"}", "key");
        }

        private String admin(String path, String body, String field) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + ADMIN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            return JSON.readTree(r.body()).path(field).asText();
        }

        HttpResponse<String> chat(String key, boolean stream) throws IOException, InterruptedException {
            return post("/v1/chat/completions", key, CHAT.formatted(stream ? ",\"stream\":true" : ""));
        }

        HttpResponse<String> post(String path, String key, String body) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** A chat that must succeed; its request id. */
        String answered(String key, boolean stream) throws Exception {
            HttpResponse<String> r = chat(key, stream);
            assertEquals(200, r.statusCode(), r.body());
            if (stream) {
                assertTrue(r.body().contains("[DONE]"), r.body());
            }
            return r.headers().firstValue("x-request-id").orElseThrow();
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

}
