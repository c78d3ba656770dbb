package io.tollgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The example overlay as a user deploys it, rendered by kustomize ({@code kubectl kustomize}): its secrets.env made
 * from the example file, the monitoring component added as the README says. What {@link KubernetesManifestsTest}
 * checks file by file, here on what would reach the cluster: every object in the overlay's namespace, the image
 * replaced, every name the Deployment refers to rendered, every selector matching the pods. Skipped where kubectl is
 * not installed (it is not a Debian package of a recent enough version).
 */
class KustomizeBuildTest {

    private static final String NAMESPACE = "tollgate";
    private static Path kubectl;

    @TempDir
    Path dir;

    @BeforeAll
    static void findKubectl() {
        Optional<Path> found = Tools.onPath("kubectl");
        Assumptions.assumeTrue(found.isPresent(), "kubectl is not installed");
        kubectl = found.get();
    }

    @Test
    void theExampleOverlayWithMonitoringRendersWhatTheClusterNeeds() throws Exception {
        List<JsonNode> objects = build();
        Map<String, JsonNode> byKind = new TreeMap<>();
        for (JsonNode o : objects) {
            String id = o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
            assertEquals(null, byKind.put(id, o), id + " twice");
            if (!o.path("kind").asText().equals("Namespace")) {
                assertEquals(NAMESPACE, o.path("metadata").path("namespace").asText(), id + " outside the namespace");
            }
        }
        assertEquals(List.of("ConfigMap/tollgate-config", "ConfigMap/tollgate-grafana-dashboard", "Deployment/tollgate",
                "HorizontalPodAutoscaler/tollgate", "Namespace/tollgate", "PodDisruptionBudget/tollgate",
                "PodMonitor/tollgate", "PrometheusRule/tollgate", "Secret/tollgate-secrets", "Service/tollgate"),
                new ArrayList<>(byKind.keySet()));

        JsonNode deployment = byKind.get("Deployment/tollgate");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertEquals("registry.example.com/platform/tollgate:0.1.0", container.path("image").asText());
        for (JsonNode from : container.path("envFrom")) {
            String kind = from.has("secretRef") ? "Secret" : "ConfigMap";
            String name = from.path(from.has("secretRef") ? "secretRef" : "configMapRef").path("name").asText();
            assertNotNull(byKind.get(kind + "/" + name), "the Deployment reads " + kind + " " + name);
        }
        JsonNode podLabels = pod.path("metadata").path("labels");
        assertSelects(byKind.get("Service/tollgate").path("spec").path("selector"), podLabels, "the Service");
        assertSelects(byKind.get("PodDisruptionBudget/tollgate").path("spec").path("selector").path("matchLabels"),
                podLabels, "the PodDisruptionBudget");
        assertSelects(byKind.get("PodMonitor/tollgate").path("spec").path("selector").path("matchLabels"), podLabels,
                "the PodMonitor");
        assertEquals("tollgate", byKind.get("HorizontalPodAutoscaler/tollgate").path("spec").path("scaleTargetRef")
                .path("name").asText());

        // the Secret holds every variable of the example file; the dashboard is the file, labelled for Grafana
        JsonNode secret = byKind.get("Secret/tollgate-secrets");
        List<String> keys = new ArrayList<>();
        secret.path("data").fieldNames().forEachRemaining(keys::add);
        assertEquals(new ArrayList<>(Manifests.envFile(Manifests.EXAMPLE_OVERLAY.resolve("secrets.env.example")).keySet()),
                keys.stream()
                        .sorted().toList());
        JsonNode dashboard = byKind.get("ConfigMap/tollgate-grafana-dashboard");
        assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(new ObjectMapper().readTree(Manifests.MONITORING.resolve(Manifests.DASHBOARD).toFile()),
                new ObjectMapper().readTree(dashboard.path("data").path(Manifests.DASHBOARD).asText()));
    }

    /** Copies k8s/ into the temporary folder and does what the README tells a user to, then renders the overlay. */
    private List<JsonNode> build() throws IOException, InterruptedException {
        Path k8s = dir.resolve("k8s");
        try (Stream<Path> files = Files.walk(Manifests.K8S)) {
            for (Path source : files.toList()) {
                Path target = k8s.resolve(Manifests.K8S.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals("secrets.env")) {
                    Files.copy(source, target);
                }
            }
        }
        Path overlay = k8s.resolve(Manifests.K8S.relativize(Manifests.EXAMPLE_OVERLAY).toString());
        Files.copy(overlay.resolve("secrets.env.example"), overlay.resolve("secrets.env"));
        Files.writeString(overlay.resolve(Manifests.KUSTOMIZATION), "components:\n  - ../../monitoring\n",
                StandardOpenOption.APPEND);
        Path rendered = dir.resolve("rendered.yaml");
        Files.writeString(rendered, Tools.run(dir, kubectl, "kustomize", overlay.toString()));
        return Manifests.read(rendered);
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.size() > 0, what + " selects nothing");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                what + " selects " + e.getKey() + "=" + e.getValue().asText() + ", the pods have " + labels));
    }
}
