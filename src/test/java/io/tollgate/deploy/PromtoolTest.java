package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The monitoring component's PromQL through Prometheus's own tool: the alerts' expressions and templates and every
 * dashboard query parse ({@code promtool check rules}), and each alert fires on its fault and only then
 * ({@code promtool test rules} with src/test/resources/monitoring/alerts-test.yaml). {@code MonitoringIT} checks the
 * other half: that the series these read are the ones a running tollgate exports.
 * <p>
 * promtool comes with Debian's {@code prometheus} package, which {@code .ci/run} installs. Where it is missing the
 * tests are skipped, except in CI ({@code CI} set), where that is a failure.
 */
class PromtoolTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path ALERT_TESTS = AppSettings.ROOT.resolve("src/test/resources/monitoring/alerts-test.yaml");
    /** Grafana's variables, as a dashboard would expand them. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$namespace", ".*", "$__rate_interval", "5m");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+");

    private static Path promtool;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPromtool() {
        Optional<Path> found = Tools.requiredInCi("promtool", "prometheus");
        Assumptions.assumeTrue(found.isPresent(), "promtool is not installed (Debian: apt-get install prometheus)");
        promtool = found.get();
    }

    @Test
    void alertRulesAndTheirTemplatesPass() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        YAML.writeValue(rules.toFile(), Manifests.ruleGroups());

        String out = run("check", "rules", rules.toString());

        assertTrue(out.contains("SUCCESS: " + Manifests.alertRules().size() + " rules found"), out);
    }

    @Test
    void everyDashboardQueryParses() throws Exception {
        ArrayNode rules = JsonNodeFactory.instance.arrayNode();
        int n = 0;
        for (Map.Entry<String, String> query : Manifests.dashboardQueries().entrySet()) {
            if (query.getKey().startsWith("variable ")) {
                continue; // label_values(...) is Grafana's, not PromQL
            }
            String expr = query.getValue();
            for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
                expr = expr.replace(variable.getKey(), variable.getValue());
            }
            Matcher unknown = VARIABLE.matcher(expr);
            assertFalse(unknown.find(), query.getKey() + " uses a variable this test does not expand: " + expr);
            rules.addObject().put("record", "tollgate_dashboard_query_" + n++).put("expr", expr);
        }
        ObjectNode groups = JsonNodeFactory.instance.objectNode();
        groups.putArray("groups").addObject().put("name", "dashboard").set("rules", rules);
        Path file = dir.resolve("dashboard.yaml");
        YAML.writeValue(file.toFile(), groups);

        String out = run("check", "rules", file.toString());

        assertTrue(out.contains("SUCCESS: " + n + " rules found"), out);
    }

    @Test
    void eachAlertFiresOnItsFaultAndOnlyThen() throws Exception {
        // the tests compare every annotation: the descriptions (prose) are left out, their templates checked above
        JsonNode groups = Manifests.ruleGroups();
        int alerts = 0;
        for (JsonNode group : groups.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                ((ObjectNode) rule.path("annotations")).remove("description");
                alerts++;
            }
        }
        YAML.writeValue(dir.resolve("rules.yaml").toFile(), groups);
        Path tests = Files.copy(ALERT_TESTS, dir.resolve("alerts-test.yaml"));
        String written = Files.readString(tests);
        for (Manifests.Rule rule : Manifests.alertRules()) {
            assertTrue(written.contains("alertname: " + rule.alert() + "\n"), rule.alert() + " has no test");
        }
        assertEquals(Manifests.alertRules().size(), alerts);

        String out = run("test", "rules", tests.toString());

        assertTrue(out.contains("SUCCESS"), out);
    }

    private String run(String... args) throws IOException, InterruptedException {
        return Tools.run(dir, promtool, args);
    }
}
