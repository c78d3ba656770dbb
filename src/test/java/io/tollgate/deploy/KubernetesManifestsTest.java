package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tollgate.deploy.Manifests.Doc;
import io.tollgate.support.PromSeries;

/**
 * The Kubernetes manifests against the application they deploy: every manifest parses, kustomize sees every file,
 * probes and ports are the application's, every environment variable is one it reads, and the pod is locked down.
 * No cluster is needed; {@link HealthProbesTest} asks the running application for the probe paths.
 */
class KubernetesManifestsTest {

    static AppSettings app;

    @BeforeAll
    static void load() {
        app = AppSettings.load();
    }

    @Test
    void everyManifestIsAKubernetesObjectOrAKustomization() {
        List<Doc> docs = Manifests.all();
        assertFalse(docs.isEmpty(), "no manifests under k8s/");
        for (Doc doc : docs) {
            String where = Manifests.K8S.relativize(doc.file()).toString();
            assertFalse(doc.node().path("apiVersion").asText().isBlank(), where + ": apiVersion");
            assertFalse(doc.kind().isBlank(), where + ": kind");
            if (!doc.isKustomization()) {
                assertFalse(doc.name().isBlank(), where + ": metadata.name");
            }
        }
        Set<String> kinds = new TreeSet<>();
        Manifests.in(Manifests.BASE).forEach(d -> kinds.add(d.kind()));
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "ConfigMap", "Secret", "Kustomization")), "base has " + kinds);
    }

    @Test
    void everyKustomizationListsEveryFileOfItsFolderAndOnlyExistingOnes() throws IOException {
        List<Path> dirs;
        try (Stream<Path> files = Files.walk(Manifests.K8S)) {
            dirs = files.filter(f -> f.getFileName().toString().equals(Manifests.KUSTOMIZATION)).map(Path::getParent)
                    .toList();
        }
        assertTrue(dirs.contains(Manifests.BASE) && dirs.contains(Manifests.EXAMPLE_OVERLAY), "kustomizations: " + dirs);
        for (Path dir : dirs) {
            JsonNode k = Manifests.kustomization(dir);
            Set<String> referenced = new HashSet<>();
            k.path("resources").forEach(r -> referenced.add(r.asText()));
            k.path("components").forEach(r -> referenced.add(r.asText()));
            k.path("patches").forEach(p -> {
                if (p.has("path")) {
                    referenced.add(p.path("path").asText());
                }
            });
            k.path("patchesStrategicMerge").forEach(r -> referenced.add(r.asText()));
            for (String generator : List.of("configMapGenerator", "secretGenerator")) {
                for (JsonNode g : k.path(generator)) {
                    g.path("files").forEach(f -> referenced.add(f.asText().replaceFirst("^[^=]+=", "")));
                    g.path("envs").forEach(f -> referenced.add(f.asText()));
                }
            }
            String where = Manifests.K8S.relativize(dir).toString();
            for (String ref : referenced) {
                Path target = dir.resolve(ref).normalize();
                boolean gitIgnoredWithTemplate = !Files.exists(target)
                        && Files.exists(target.resolveSibling(target.getFileName() + ".example"));
                assertTrue(Files.exists(target) || gitIgnoredWithTemplate, where + " lists " + ref + ", which does not exist");
                if (Files.isDirectory(target)) {
                    assertTrue(Files.exists(target.resolve(Manifests.KUSTOMIZATION)),
                            where + ": " + ref + " is no kustomization");
                }
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (name.equals(Manifests.KUSTOMIZATION)) {
                        continue;
                    }
                    String listedAs = name.endsWith(".example") ? name.substring(0, name.length() - ".example".length()) : name;
                    assertTrue(referenced.contains(listedAs), where + "/" + name + " is not in its kustomization.yaml");
                }
            }
        }
    }

    @Test
    void probesAreTheApplicationsHealthEndpointsOnTheContainerPort() {
        JsonNode container = Manifests.container();
        String healthRoot = app.nonApplicationRoot() + "/health/";
        Set<String> paths = new HashSet<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertFalse(get.isMissingNode(), probe + " should be an HTTP GET");
            String path = get.path("path").asText();
            assertTrue(path.startsWith(healthRoot), probe + " " + path + " is not under " + healthRoot);
            assertTrue(paths.add(path), probe + " reuses " + path);
            assertEquals(containerPort(container), port(container, get.path("port")), probe + " port");
        }
    }

    @Test
    void containerListensOnThePortTheApplicationBindsInThatEnvironment() {
        JsonNode container = Manifests.container();
        Map<String, String> env = Manifests.environment(Manifests.BASE, container);
        int appPort = app.httpPort(env);
        assertEquals(appPort, containerPort(container), "containerPort vs quarkus.http.port with the pod's environment");
        // the same with the overlay's environment
        Map<String, String> overlayEnv = overlayEnvironment(container);
        assertEquals(app.httpPort(overlayEnv), containerPort(container));
    }

    @Test
    void serviceAutoscalerAndDisruptionBudgetSelectTheDeploymentsPods() {
        Doc deployment = Manifests.one(Manifests.BASE, "Deployment");
        JsonNode podLabels = deployment.node().path("spec").path("template").path("metadata").path("labels");
        assertSelects(deployment.node().path("spec").path("selector").path("matchLabels"), podLabels, "Deployment selector");

        JsonNode service = Manifests.one(Manifests.BASE, "Service").node();
        assertSelects(service.path("spec").path("selector"), podLabels, "Service selector");
        for (JsonNode p : service.path("spec").path("ports")) {
            assertEquals(containerPort(Manifests.container()), port(Manifests.container(), p.path("targetPort")),
                    "Service targetPort");
        }

        JsonNode pdb = Manifests.one(Manifests.BASE, "PodDisruptionBudget").node();
        assertSelects(pdb.path("spec").path("selector").path("matchLabels"), podLabels, "PodDisruptionBudget selector");

        JsonNode hpa = Manifests.one(Manifests.BASE, "HorizontalPodAutoscaler").node();
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
        assertEquals("Deployment", hpa.path("spec").path("scaleTargetRef").path("kind").asText());
        assertEquals(deployment.name(), hpa.path("spec").path("scaleTargetRef").path("name").asText());
        int minReplicas = hpa.path("spec").path("minReplicas").asInt(1);
        assertTrue(minReplicas >= 2, "several replicas, so one can go while the others serve: minReplicas " + minReplicas);
        // a fixed replica count would reset the autoscaler's count on every apply
        assertFalse(deployment.node().path("spec").has("replicas"), "the HorizontalPodAutoscaler owns replicas");
        // the budget must let a node drain proceed
        if (pdb.path("spec").has("minAvailable")) {
            assertTrue(pdb.path("spec").path("minAvailable").asInt() < minReplicas, "minAvailable blocks every eviction");
        } else {
            assertTrue(pdb.path("spec").path("maxUnavailable").asInt() >= 1, "maxUnavailable");
        }
    }

    @Test
    void everyEnvironmentVariableIsOneTheApplicationReadsAndTheReadmeDocuments() {
        JsonNode container = Manifests.container();
        // templates leave secrets blank for the operator to fill in
        for (Map<String, String> env : List.of(nonBlank(Manifests.environment(Manifests.BASE, container)),
                nonBlank(overlayEnvironment(container)))) {
            assertFalse(env.isEmpty());
            for (String var : env.keySet()) {
                assertTrue(app.reads(var, env), var + " is set in k8s/ but the application never reads it "
                        + "(not in application.properties, no @ConfigMapping property, no upstream triple)");
                if (!var.startsWith("QUARKUS_")) {
                    assertTrue(app.documents(var), var + " is not in the README's configuration table");
                }
            }
        }
    }

    @Test
    void manifestsGiveTheApplicationWhatItNeedsInProductionAndKeepSecretsInTheSecret() {
        JsonNode container = Manifests.container();
        for (Map<String, String> env : List.of(Manifests.environment(Manifests.BASE, container),
                overlayEnvironment(container))) {
            for (String required : List.of("DATABASE_URL", "TOLLGATE_ADMIN_TOKEN", "TOLLGATE_KEY_SECRET")) {
                assertTrue(env.containsKey(required), required + " is not given to the container");
            }
            // readiness stays down without an upstream
            assertFalse(AppSettings.upstreamNames(nonBlank(env)).isEmpty(), "no <NAME>_URL/_KEY upstream in " + env.keySet());
        }
        assertTrue(AppSettings.upstreamNames(Manifests.environment(Manifests.BASE, container)).contains("inference"),
                "the Secret template should carry an INFERENCE_URL/_KEY/_MODEL_ID triple");
        Map<String, String> config = Manifests.data(Manifests.BASE, "ConfigMap", "tollgate-config");
        for (String key : config.keySet()) {
            assertFalse(key.endsWith("_KEY") || key.endsWith("_SECRET") || key.endsWith("_TOKEN") || key.equals("DATABASE_URL")
                    || key.endsWith("PASSWORD"), key + " is a secret and belongs in the Secret, not the ConfigMap");
        }
        for (JsonNode from : container.path("envFrom")) {
            String kind = from.has("configMapRef") ? "ConfigMap" : "Secret";
            String name = from.path(from.has("configMapRef") ? "configMapRef" : "secretRef").path("name").asText();
            assertFalse(Manifests.data(Manifests.BASE, kind, name).isEmpty(), kind + " " + name);
        }
    }

    @Test
    void terminationGraceCoversTheShutdownDelayTheStreamDrainAndTheUsageFlush() {
        JsonNode pod = Manifests.one(Manifests.BASE, "Deployment").node().path("spec").path("template").path("spec");
        Map<String, String> env = Manifests.environment(Manifests.BASE, Manifests.container());
        Duration delay = setting(env, "quarkus.shutdown.delay");
        Duration drain = setting(env, "quarkus.shutdown.timeout");
        assertTrue(drain.toSeconds() >= 60, "streams need time to finish: quarkus.shutdown.timeout is " + drain);
        assertTrue(delay.toSeconds() >= 1, "the Service needs a moment to stop routing: quarkus.shutdown.delay is " + delay);
        assertTrue(app.prodValue("quarkus.shutdown.delay-enabled", env).map(Boolean::parseBoolean).orElse(false),
                "quarkus.shutdown.delay-enabled is fixed at build time and must be true in application.properties");
        long needed = delay.plus(drain).plus(AppSettings.USAGE_FLUSH_AT_SHUTDOWN).toSeconds();
        int grace = pod.path("terminationGracePeriodSeconds").asInt(30);
        assertTrue(grace > needed,
                "terminationGracePeriodSeconds " + grace + " <= " + needed + " (delay + drain + usage flush)");
    }

    @Test
    void podRunsNonRootWithAReadOnlyRootFilesystemAndAWritableTmp() {
        JsonNode pod = Manifests.one(Manifests.BASE, "Deployment").node().path("spec").path("template").path("spec");
        JsonNode container = Manifests.container();
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), "runAsNonRoot");
        assertNotEquals(0, pod.path("securityContext").path("runAsUser").asInt(0), "runAsUser");
        assertFalse(pod.path("enableServiceLinks").asBoolean(true),
                "service links put TOLLGATE_PORT and friends into the environment the application reads");
        JsonNode security = container.path("securityContext");
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation");
        assertEquals("ALL", security.path("capabilities").path("drop").path(0).asText(), "capabilities");
        String tmpVolume = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals("/tmp")) {
                tmpVolume = mount.path("name").asText();
            }
        }
        assertTrue(tmpVolume != null, "/tmp must be writable");
        boolean emptyDir = false;
        for (JsonNode volume : pod.path("volumes")) {
            emptyDir |= volume.path("name").asText().equals(tmpVolume) && volume.has("emptyDir");
        }
        assertTrue(emptyDir, "/tmp should be an emptyDir");
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertFalse(container.path("resources").path(kind).path(resource).asText().isBlank(), kind + "." + resource);
            }
        }
    }

    @Test
    void prometheusScrapesTheMetricsPathOnTheApplicationPort() {
        JsonNode annotations = Manifests.one(Manifests.BASE, "Deployment").node().path("spec").path("template")
                .path("metadata").path("annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals(String.valueOf(containerPort(Manifests.container())), annotations.path("prometheus.io/port").asText());
        // quarkus-micrometer-registry-prometheus serves quarkus.micrometer.export.prometheus.path ("metrics") under
        // the non-application root
        String metrics = app.prodValue("quarkus.micrometer.export.prometheus.path", Map.of()).orElse("metrics");
        String expected = metrics.startsWith("/") ? metrics : app.nonApplicationRoot() + "/" + metrics;
        assertEquals(expected, annotations.path("prometheus.io/path").asText());
    }

    @Test
    void thePodMonitorScrapesTheDeploymentsPodsWhereTheAnnotationsSay() {
        JsonNode template = Manifests.one(Manifests.BASE, "Deployment").node().path("spec").path("template");
        JsonNode monitor = Manifests.one(Manifests.MONITORING, "PodMonitor").node().path("spec");
        assertSelects(monitor.path("selector").path("matchLabels"), template.path("metadata").path("labels"),
                "the PodMonitor's selector");
        JsonNode endpoints = monitor.path("podMetricsEndpoints");
        assertEquals(1, endpoints.size(), "one endpoint: " + endpoints);
        JsonNode annotations = template.path("metadata").path("annotations");
        assertEquals(annotations.path("prometheus.io/path").asText(), endpoints.get(0).path("path").asText());
        assertEquals(annotations.path("prometheus.io/port").asText(),
                String.valueOf(port(Manifests.container(), endpoints.get(0).path("port"))));
        JsonNode component = Manifests.kustomization(Manifests.MONITORING);
        assertEquals("Component", component.path("kind").asText(), "opted into by an overlay, not in the base");
        Manifests.in(Manifests.BASE).forEach(d -> assertFalse(d.node().path("apiVersion").asText()
                .startsWith("monitoring.coreos.com/"), "the base needs no operator CRD: " + d.kind()));
    }

    @Test
    void everyAlertHasAUniqueNameASeverityADurationPrometheusParsesAndSaysWhatToDo() {
        List<Manifests.Rule> rules = Manifests.alertRules();
        assertTrue(rules.size() >= 5, "alerts: " + rules.size());
        Set<String> names = new HashSet<>();
        for (Manifests.Rule rule : rules) {
            String where = rule.group() + "/" + rule.alert();
            assertTrue(rule.alert().matches("Tollgate[A-Z][A-Za-z]+"), where + ": alert names start with Tollgate");
            assertTrue(names.add(rule.alert()), where + " twice");
            assertFalse(rule.expr().isBlank(), where + ": expr");
            assertFalse(PromSeries.selectors(rule.expr()).isEmpty(), where + ": reads none of tollgate's metrics");
            assertTrue(Set.of("critical", "warning", "info").contains(rule.labels().path("severity").asText()),
                    where + ": severity " + rule.labels().path("severity"));
            assertTrue(rule.forDuration().isEmpty() || rule.forDuration().matches("(\\d+[smhd])+"),
                    where + ": for " + rule.forDuration());
            assertFalse(rule.annotations().path("summary").asText().isBlank(), where + ": summary");
            assertTrue(rule.annotations().path("description").asText().length() > 60, where + ": description");
            long open = rule.expr().chars().filter(c -> c == '(').count();
            assertEquals(open, rule.expr().chars().filter(c -> c == ')').count(), where + ": parentheses");
        }
    }

    @Test
    void theDashboardsPanelsSayWhatTheyShowDoNotOverlapAndQueryTheChosenNamespaces() {
        JsonNode dashboard = Manifests.dashboard();
        assertEquals("tollgate", dashboard.path("uid").asText());
        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        int charts = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), title + ": id " + panel.path("id") + " twice");
            JsonNode grid = panel.path("gridPos");
            int[] cell = { grid.path("x").asInt(), grid.path("y").asInt(), grid.path("w").asInt(), grid.path("h").asInt() };
            assertTrue(cell[2] > 0 && cell[3] > 0 && cell[0] + cell[2] <= 24, title + ": " + grid);
            for (int[] other : cells) {
                boolean apart = cell[0] + cell[2] <= other[0] || other[0] + other[2] <= cell[0]
                        || cell[1] + cell[3] <= other[1] || other[1] + other[3] <= cell[1];
                assertTrue(apart, title + " overlaps another panel at " + grid);
            }
            cells.add(cell);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            charts++;
            assertFalse(title.isBlank(), "a panel without a title");
            assertTrue(panel.path("description").asText().length() > 20, title + ": description");
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title + ": datasource");
            assertTrue(panel.path("targets").size() > 0, title + ": no query");
            for (JsonNode target : panel.path("targets")) {
                List<PromSeries.Selector> selectors = PromSeries.selectors(target.path("expr").asText());
                assertFalse(selectors.isEmpty(), title + ": reads none of tollgate's or the JVM's metrics");
                for (PromSeries.Selector selector : selectors) {
                    assertTrue(selector.matchers().contains(new PromSeries.LabelMatcher("namespace", "=~", "$namespace")),
                            title + ": " + selector + " ignores the namespace variable");
                }
            }
        }
        assertTrue(charts >= 10, "charts: " + charts);
        JsonNode generator = Manifests.kustomization(Manifests.MONITORING).path("configMapGenerator").get(0);
        assertEquals(Manifests.DASHBOARD, generator.path("files").get(0).asText());
        assertEquals("1", generator.path("options").path("labels").path("grafana_dashboard").asText(),
                "the label Grafana's dashboard sidecar looks for");
    }

    @Test
    void overlayPatchesOnlyResourcesOfTheBaseAndRenamesTheBaseImage() {
        JsonNode overlay = Manifests.kustomization(Manifests.EXAMPLE_OVERLAY);
        List<String> resources = new ArrayList<>();
        overlay.path("resources").forEach(r -> resources.add(r.asText()));
        assertTrue(resources.contains("../../base"), "the example overlay builds on the base: " + resources);
        Set<String> baseObjects = new HashSet<>();
        Manifests.in(Manifests.BASE).forEach(d -> baseObjects.add(d.kind() + "/" + d.name()));
        for (JsonNode patch : overlay.path("patches")) {
            for (JsonNode doc : Manifests.read(Manifests.EXAMPLE_OVERLAY.resolve(patch.path("path").asText()))) {
                String object = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
                assertTrue(baseObjects.contains(object), patch.path("path").asText() + " patches " + object
                        + ", which the base does not have");
            }
        }
        for (JsonNode generator : overlay.path("secretGenerator")) {
            if (generator.path("behavior").asText().equals("replace")) {
                assertTrue(baseObjects.contains("Secret/" + generator.path("name").asText()), "replaces an unknown Secret");
            }
        }
        String baseImage = ContainerImageTest.repository(Manifests.container().path("image").asText());
        JsonNode images = overlay.path("images");
        assertEquals(1, images.size(), "the example overlay sets the image");
        assertEquals(baseImage, images.get(0).path("name").asText(), "overlay images[].name must match the base image");
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    private static Map<String, String> overlayEnvironment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>(Manifests.environment(Manifests.BASE, container));
        // the overlay's secretGenerator replaces the Secret with secrets.env, of which secrets.env.example is the template
        Map<String, String> secret = Manifests.data(Manifests.BASE, "Secret", "tollgate-secrets");
        secret.keySet().forEach(env::remove);
        env.putAll(Manifests.envFile(Manifests.EXAMPLE_OVERLAY.resolve("secrets.env.example")));
        return env;
    }

    private static Map<String, String> nonBlank(Map<String, String> env) {
        Map<String, String> filled = new LinkedHashMap<>();
        env.forEach((k, v) -> filled.put(k, v.isBlank() ? "placeholder" : v));
        return filled;
    }

    private static Duration setting(Map<String, String> env, String property) {
        String var = AppSettings.toEnv(property);
        String value = env.containsKey(var) ? env.get(var) : app.prodValue(property, env).orElse(null);
        if (value == null) {
            fail(property + " is set neither in the ConfigMap (" + var + ") nor in application.properties");
        }
        return AppSettings.duration(value);
    }

    static int containerPort(JsonNode container) {
        JsonNode ports = container.path("ports");
        assertEquals(1, ports.size(), "one container port");
        return ports.get(0).path("containerPort").asInt();
    }

    /** A port given by number or by the container port's name. */
    private static int port(JsonNode container, JsonNode ref) {
        if (ref.isInt() || ref.asText().matches("\\d+")) {
            return ref.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(ref.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + ref.asText());
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.size() > 0, what + " is empty");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                what + " " + e.getKey() + " does not match the pod's labels"));
    }
}
