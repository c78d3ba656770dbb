package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tollgate.simulator.Fault;
import io.tollgate.support.Backends;
import io.tollgate.support.LedgerOutage;
import io.tollgate.support.PackagedApp;
import io.tollgate.support.PromSeries;
import io.tollgate.support.PromSeries.Selector;
import io.tollgate.support.PromSeries.Series;
import io.tollgate.support.TcpCutter;

/**
 * The alerts and the dashboard of k8s/monitoring against the packaged gateway: each fault an alert watches is brought
 * about for real (PostgreSQL cut and the spool's directory gone, an upstream failing until its breaker opens, a budget
 * past its soft limit), and then every series selector of every alert and of every dashboard query must match series
 * the gateway exports, and the series that make each alert fire must hold the values that fire it. An alert or a
 * panel on a renamed metric, a misspelt label or a label value tollgate never writes would otherwise stay silent or
 * empty, and no test would fail. Where prometheus is installed (always in CI), a real one scrapes the gateway all
 * along with the rules loaded, and the alerts without a {@code for} must be firing at the end, with their labels.
 */
class MonitoringIT {

    static final String ADMIN = "it-admin-token-0123456789";
    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]%s}";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Backends BACKENDS = new Backends();
    static TcpCutter database;

    @BeforeAll
    static void cutter() throws Exception {
        database = new TcpCutter(BACKENDS.postgres().getPort());
    }

    @AfterAll
    static void closeCutter() throws Exception {
        database.close();
    }

    @Test
    void everySeriesTheAlertsAndTheDashboardReadIsExportedAndTheAlertsFireUnderTheFaultsTheyWatch() throws Exception {
        Path spool = Files.createTempDirectory("tollgate-spool");
        Map<String, String> env = new HashMap<>(BACKENDS.herokuEnv("postgres", database.port()));
        env.put("TOLLGATE_ADMIN_TOKEN", ADMIN);
        env.put("TOLLGATE_KEY_SECRET", "k".repeat(48));
        env.put("TOLLGATE_USAGE_SPOOL_DIR", spool.toString());
        env.put("TOLLGATE_USAGE_WRITE_TIMEOUT", "1s");
        env.put("TOLLGATE_USAGE_REPLAY_INTERVAL", "200ms");
        env.put("TOLLGATE_UPSTREAM_MAX_ATTEMPTS", "1");
        env.put("TOLLGATE_UPSTREAM_BREAKER_REQUEST_VOLUME", "4");
        env.put("TOLLGATE_UPSTREAM_BREAKER_DELAY", "60s");
        String duringOutage;
        String atEnd;
        List<Map<String, String>> firing = null;
        try (PackagedApp app = PackagedApp.start(env)) {
            PrometheusServer prometheus = PrometheusServer.startIfInstalled(app.baseUrl().substring("http://".length()))
                    .orElse(null);
            try {
                // traffic as usual, on a tenant whose budget's soft limit (1 % of 1,000 tokens) the first request passes
                String tenant = field(admin(app, "/admin/v1/tenants",
                        "{\"name\":\"alerts\",\"budget\":{\"monthlyTokens\":1000,\"softLimitPercent\":1}}"), "id");
                String key = field(admin(app, "/admin/v1/tenants/" + tenant + "/keys", "{\"name\":\"k\"}"), "key");
                assertEquals(200, chat(app, key, true).statusCode());
                // the breaker's counters exist at 0 before it first opens, or increase() would miss that first time
                assertEquals(0.0, sum(PromSeries.parse(scrape(app)), "tollgate_upstream_circuit_transitions_total",
                        Map.of("state", "open", "upstream", "inference")), "before the breaker ever opened");
                // the spend is read again after tollgate.budget.refresh-interval (1 s)
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (sum(PromSeries.parse(scrape(app)), "tollgate_budget_soft_limit_reached", Map.of()) < 1) {
                    assertTrue(System.nanoTime() < deadline, "the soft limit never counted as reached");
                    assertEquals(200, chat(app, key, false).statusCode());
                    Thread.sleep(200);
                }

                // PostgreSQL unreachable and the spool's directory gone: unknown keys and every answer refused
                try (LedgerOutage outage = LedgerOutage.start(database, spool)) {
                    for (int i = 0; i < 2; i++) {
                        // twice, a scrape apart: increase() counts from the first sample of the refusals' series
                        HttpResponse<String> unknown = chat(app, "tg-" + "A".repeat(43), false);
                        assertEquals(503, unknown.statusCode(), unknown.body());
                        assertEquals("key_store_unavailable", field(unknown, "error", "code"));
                        Thread.sleep(1200);
                    }
                    HttpResponse<String> withheld = chat(app, key, false);
                    assertEquals(503, withheld.statusCode(), withheld.body());
                    assertEquals("usage_ledger_unavailable", field(withheld, "error", "code"));
                    duringOutage = scrape(app);
                }

                // the upstream fails until its breaker opens (half of its last 4 calls failed)
                BACKENDS.simulator().enqueue(Fault.status(503).withTimes(4));
                try {
                    for (int i = 0; i < 4; i++) {
                        assertEquals(503, chat(app, key, false).statusCode()); // the upstream's, then the breaker's
                    }
                    HttpResponse<String> open = chat(app, key, false);
                    assertEquals("upstream_unavailable", field(open, "error", "code"), open.body());
                } finally {
                    BACKENDS.simulator().reset();
                }
                atEnd = scrape(app);
                if (prometheus != null) {
                    firing = awaitFiring(prometheus, 4);
                }
            } finally {
                if (prometheus != null) {
                    prometheus.close();
                }
            }
        }

        if (firing != null) {
            // a real Prometheus scraped the gateway all along with the rules loaded: the alerts without a "for" fire
            assertEquals(List.of(
                    Map.of("alertname", "TollgateBudgetSoftLimitReached", "namespace", PrometheusServer.NAMESPACE,
                            "severity", "info"),
                    Map.of("alertname", "TollgateKeyStoreUnavailable", "namespace", PrometheusServer.NAMESPACE,
                            "severity", "critical"),
                    Map.of("alertname", "TollgateUpstreamCircuitOpened", "namespace", PrometheusServer.NAMESPACE,
                            "upstream", "inference", "severity", "warning"),
                    Map.of("alertname", "TollgateUsageRowsUnwritable", "namespace", PrometheusServer.NAMESPACE,
                            "pod", PrometheusServer.POD, "severity", "critical")),
                    firing.stream().sorted(java.util.Comparator.comparing(a -> a.get("alertname"))).toList());
        }

        List<String> unmatched = new ArrayList<>();
        List<Series> exported = PromSeries.parse(atEnd);
        for (Manifests.Rule rule : Manifests.alertRules()) {
            for (Selector selector : PromSeries.selectors(rule.expr())) {
                if (exported.stream().noneMatch(selector::matches)) {
                    unmatched.add(rule.alert() + ": " + selector);
                }
            }
        }
        Manifests.dashboardQueries().forEach((where, query) -> {
            for (Selector selector : PromSeries.selectors(query)) {
                if (exported.stream().noneMatch(selector.asExported()::matches)) {
                    unmatched.add("dashboard " + where + ": " + selector);
                }
            }
        });
        assertEquals(List.of(), unmatched, "selectors that match no exported series");

        // the series behind each alert hold the values that make it fire (the thresholds of prometheusrule.yaml)
        List<Series> outage = PromSeries.parse(duringOutage);
        assertTrue(sum(outage, "tollgate_usage_ledger_failed_rows_total", Map.of()) >= 1, "TollgateUsageRowsUnwritable");
        assertEquals(1.0, sum(outage, "tollgate_usage_ledger_degraded", Map.of()), "TollgateUsageLedgerDegraded");
        assertTrue(sum(outage, "tollgate_usage_ledger_lag_seconds", Map.of()) >= 0, "TollgateUsageLedgerLagging's series");
        assertTrue(sum(outage, "tollgate_requests_rejected_total", Map.of("reason", "key_store_unavailable")) >= 1,
                "TollgateKeyStoreUnavailable");
        List<Series> end = PromSeries.parse(atEnd);
        assertEquals(1.0, sum(end, "tollgate_upstream_circuit_transitions_total", Map.of("state", "open")),
                "TollgateUpstreamCircuitOpened");
        assertEquals(1.0, sum(end, "tollgate_upstream_circuit_state", Map.of("upstream", "inference")),
                "the breaker's state: open");
        assertTrue(sum(end, "tollgate_requests_total", Map.of("status", "503")) >= 2, "TollgateUpstreamErrors");
        assertTrue(sum(end, "tollgate_gateway_overhead_seconds_bucket", Map.of("le", "+Inf")) >= 1,
                "TollgateGatewayOverheadHigh's histogram");
        assertTrue(sum(end, "tollgate_budget_soft_limit_reached", Map.of()) >= 1, "TollgateBudgetSoftLimitReached");
    }

    /** The alerts firing once {@code count} of them are (or what fires after 20 s). */
    private static List<Map<String, String>> awaitFiring(PrometheusServer prometheus, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Map<String, String>> firing = prometheus.firing();
        while (firing.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(250);
            firing = prometheus.firing();
        }
        return firing;
    }

    private static double sum(List<Series> series, String name, Map<String, String> labels) {
        double total = 0;
        boolean found = false;
        for (Series s : series) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                total += s.value();
                found = true;
            }
        }
        assertTrue(found, "no series " + name + labels);
        return total;
    }

    static String scrape(PackagedApp app) throws Exception {
        HttpResponse<String> r = app.get("/q/metrics");
        assertEquals(200, r.statusCode());
        return r.body();
    }

    static HttpResponse<String> chat(PackagedApp app, String key, boolean stream) throws Exception {
        return app.post("/v1/chat/completions", key, CHAT.formatted(stream ? ",\"stream\":true" : ""));
    }

    static HttpResponse<String> admin(PackagedApp app, String path, String body) throws Exception {
        HttpResponse<String> response = app.post(path, ADMIN, body);
        assertEquals(201, response.statusCode(), response.body());
        return response;
    }

    static String field(HttpResponse<String> response, String... path) throws Exception {
        JsonNode node = JSON.readTree(response.body());
        for (String p : path) {
            node = node.path(p);
        }
        assertFalse(node.isMissingNode(), String.join(".", path) + " in " + response.body());
        return node.asText();
    }
}
