package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Procfile, system.properties and app.json against the application: the web process binds Heroku's $PORT, the
 * release process migrates and exits, and the add-ons and config vars are what the application reads.
 * {@link HerokuProcfileIT} runs both commands.
 */
class HerokuFilesTest {

    /** Heroku sends SIGKILL this long after SIGTERM. */
    static final Duration HEROKU_SHUTDOWN_WINDOW = Duration.ofSeconds(30);

    static AppSettings app;
    static Procfile procfile;
    static JsonNode appJson;

    @BeforeAll
    static void load() throws IOException {
        app = AppSettings.load();
        procfile = Procfile.read();
        appJson = new ObjectMapper().readTree(AppSettings.ROOT.resolve("app.json").toFile());
    }

    @Test
    void procfileRunsThePackagedApplicationAsWebAndRelease() {
        assertEquals(List.of("web", "release"), List.copyOf(procfile.commands().keySet()));
        for (String type : List.of("web", "release")) {
            assertTrue(procfile.command(type).startsWith("java "), type + " runs java: " + procfile.command(type));
            assertEquals(AppSettings.PACKAGED_JAR, procfile.jar(type), type);
        }
        // the jar path above is the fast-jar layout
        assertEquals("fast-jar", app.prodValue("quarkus.package.jar.type", Map.of()).orElse("fast-jar"));
    }

    @Test
    void webProcessListensOnHerokusPort() {
        Map<String, String> heroku = Map.of("PORT", "43210");
        String configured = procfile.systemProperties("web").get("quarkus.http.port");
        int port = configured == null ? app.httpPort(heroku) : Integer.parseInt(expand(configured, heroku));
        assertEquals(43210, port, "the web process must bind $PORT");
        assertFalse(procfile.systemProperties("web").containsKey("quarkus.init-and-exit"), "web must keep running");
    }

    @Test
    void releaseProcessRunsTheMigrationsAndExits() {
        Map<String, String> release = procfile.systemProperties("release");
        assertEquals("true", release.get("quarkus.init-and-exit"), "release must exit once started");
        assertTrue(app.readsProperty("quarkus.init-and-exit"), "quarkus.init-and-exit is not a Quarkus setting any more");
        String migrate = release.getOrDefault("quarkus.flyway.migrate-at-start",
                app.prodValue("quarkus.flyway.migrate-at-start", Map.of()).orElse("false"));
        assertEquals("true", migrate, "release must run the Flyway migrations");
        assertFalse("false".equals(release.get("quarkus.flyway.enabled")), "Flyway disabled in release");
    }

    @Test
    void everySystemPropertyOfTheProcfileIsASettingTheApplicationReads() {
        for (String type : procfile.commands().keySet()) {
            for (String property : procfile.systemProperties(type).keySet()) {
                assertTrue(app.readsProperty(property), type + ": -D" + property + " is read by nothing");
            }
        }
    }

    @Test
    void systemPropertiesAsksForTheJavaTheBuildCompilesFor() throws IOException {
        Properties system = new Properties();
        try (Reader reader = Files.newBufferedReader(AppSettings.ROOT.resolve("system.properties"))) {
            system.load(reader);
        }
        assertEquals(AppSettings.pom("properties/maven.compiler.release"), system.getProperty("java.runtime.version"));
    }

    @Test
    void appJsonProvisionsPostgresAndHerokuAiUnderTheNamesTheApplicationReads() {
        List<String> buildpacks = new ArrayList<>();
        appJson.path("buildpacks").forEach(b -> buildpacks.add(b.path("url").asText()));
        assertEquals(List.of("heroku/java"), buildpacks);

        Map<String, String> addonVars = addonConfigVars();
        assertTrue(addonVars.containsKey("DATABASE_URL"), "heroku-postgresql must attach as DATABASE: " + addonVars.keySet());
        assertTrue(app.reads("DATABASE_URL", addonVars));
        List<String> inference = new ArrayList<>();
        for (JsonNode addon : appJson.path("addons")) {
            if (addon.path("plan").asText().startsWith("heroku-inference:")) {
                inference.add(addon.path("as").asText("INFERENCE").toLowerCase(Locale.ROOT));
            }
        }
        assertFalse(inference.isEmpty(), "no heroku-inference add-on");
        assertEquals(inference, List.copyOf(AppSettings.upstreamNames(addonVars)),
                "every Heroku AI add-on should become an upstream");
        for (String var : addonVars.keySet()) {
            assertTrue(app.reads(var, addonVars), var);
        }
    }

    @Test
    void appJsonEnvIsReadDocumentedAndGeneratedWhenSecret() {
        Map<String, String> heroku = herokuEnvironment();
        JsonNode env = appJson.path("env");
        assertTrue(env.size() > 0);
        env.fields().forEachRemaining(e -> {
            String var = e.getKey();
            assertTrue(app.reads(var, heroku), var + " is not read by the application");
            assertTrue(app.documents(var), var + " is not in the README's configuration table");
            if (var.endsWith("_TOKEN") || var.endsWith("_SECRET") || var.endsWith("_KEY")) {
                // Heroku's secret generator: 64 hex characters, above both minimum lengths (16 and 32)
                assertEquals("secret", e.getValue().path("generator").asText(), var + " should be generated per app");
                assertFalse(e.getValue().has("value"), var + " must not ship a fixed value");
            }
        });
        for (String required : List.of("DATABASE_URL", "TOLLGATE_ADMIN_TOKEN", "TOLLGATE_KEY_SECRET")) {
            assertTrue(heroku.containsKey(required), required + " is provided neither by app.json env nor by an add-on");
        }
    }

    @Test
    void dynoShutdownDrainsWithinHerokusThirtySeconds() {
        Map<String, String> web = procfile.systemProperties("web");
        Duration delay = shutdownSetting(web, "quarkus.shutdown.delay");
        Duration drain = shutdownSetting(web, "quarkus.shutdown.timeout");
        assertTrue(drain.toSeconds() >= 5, "running streams get no time to finish: quarkus.shutdown.timeout " + drain);
        Duration needed = delay.plus(drain).plus(AppSettings.USAGE_FLUSH_AT_SHUTDOWN);
        assertTrue(needed.compareTo(HEROKU_SHUTDOWN_WINDOW) < 0,
                "delay + drain + usage flush = " + needed + ", Heroku kills the dyno after " + HEROKU_SHUTDOWN_WINDOW);
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    /** The config vars the add-ons create: {@code <as>_URL}, and for Heroku AI also _KEY and _MODEL_ID. */
    private static Map<String, String> addonConfigVars() {
        Map<String, String> vars = new LinkedHashMap<>();
        for (JsonNode addon : appJson.path("addons")) {
            String plan = addon.isTextual() ? addon.asText() : addon.path("plan").asText();
            String service = plan.split(":")[0];
            switch (service) {
                case "heroku-postgresql" -> vars.put(addon.path("as").asText("DATABASE") + "_URL",
                        "postgres://u:p@ec2-0-0-0-0.compute-1.amazonaws.com:5432/d");
                case "heroku-inference" -> {
                    String as = addon.path("as").asText("INFERENCE");
                    vars.put(as + "_URL", "https://us.inference.heroku.com");
                    vars.put(as + "_KEY", "inf-00000000-0000-4000-8000-000000000000");
                    vars.put(as + "_MODEL_ID", plan.split(":")[1]);
                }
                default -> throw new AssertionError("unexpected add-on " + plan);
            }
        }
        return vars;
    }

    private static Map<String, String> herokuEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(addonConfigVars());
        appJson.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), "x".repeat(64)));
        env.put("PORT", "43210");
        return env;
    }

    private static Duration shutdownSetting(Map<String, String> systemProperties, String property) {
        String value = systemProperties.getOrDefault(property, app.prodValue(property, Map.of()).orElse("0s"));
        return AppSettings.duration(value);
    }

    private static String expand(String value, Map<String, String> env) {
        String result = value;
        for (Map.Entry<String, String> e : env.entrySet()) {
            result = result.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
        }
        return result;
    }
}
