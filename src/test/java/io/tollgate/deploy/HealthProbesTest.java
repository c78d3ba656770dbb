package io.tollgate.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The Deployment's probe paths and scrape path, asked of the running application: each is a health endpoint of
 * the right kind, so a renamed or moved endpoint fails here rather than in a cluster.
 */
@QuarkusTest
class HealthProbesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyProbePathIsAHealthEndpointThatReportsUp() throws Exception {
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            String path = probePath(probe);
            Response response = given().get(path);
            assertEquals(200, response.statusCode(), probe + " " + path + ": " + response.asString());
            JsonNode body = JSON.readTree(response.asString());
            assertEquals("UP", body.path("status").asText(), probe + " " + path);
            assertTrue(body.path("checks").isArray(), probe + " " + path + " is not a health endpoint: " + body);
        }
    }

    @Test
    void readinessProbeWaitsForTheDatabaseWhileLivenessAndStartupDoNot() throws Exception {
        List<String> ready = checks(probePath("readinessProbe"));
        assertTrue(ready.contains("database"), "readiness should check the database: " + ready);
        assertTrue(ready.contains("upstreams"), "readiness should check the upstreams: " + ready);
        // a database outage must not make Kubernetes restart every pod
        assertFalse(checks(probePath("livenessProbe")).contains("database"), "liveness must not check the database");
        assertFalse(checks(probePath("startupProbe")).contains("database"), "startup must not check the database");
    }

    @Test
    void aPathBesideTheProbesIsNotAHealthEndpoint() {
        // the probe paths answer because they exist, not because everything under the health root answers
        assertEquals(404, given().get(probePath("livenessProbe") + "-nothing").statusCode());
    }

    @Test
    void scrapePathServesPrometheusMetricsOnceTheRegistryIsInTheBuild() {
        assumeTrue(onClasspath("io.micrometer.prometheusmetrics.PrometheusMeterRegistry")
                || onClasspath("io.micrometer.prometheus.PrometheusMeterRegistry"),
                "no Micrometer Prometheus registry yet: /q/metrics comes with the metrics issue");
        String path = Manifests.one(Manifests.BASE, "Deployment").node().path("spec").path("template").path("metadata")
                .path("annotations").path("prometheus.io/path").asText();
        Response response = given().get(path);
        assertEquals(200, response.statusCode(), path);
        assertTrue(response.asString().contains("# TYPE"), "not Prometheus text: " + path);
    }

    private static String probePath(String probe) {
        String path = Manifests.container().path(probe).path("httpGet").path("path").asText();
        assertFalse(path.isBlank(), probe + " has no httpGet path");
        return path;
    }

    private static List<String> checks(String path) throws Exception {
        JsonNode body = JSON.readTree(given().get(path).asString());
        List<String> names = new ArrayList<>();
        body.path("checks").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
