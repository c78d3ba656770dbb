package io.tollgate.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.tollgate.support.PackagedApp;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which {@code .ci/run} installs) scraping one tollgate every
 * 500 ms with the monitoring component's rules loaded, as the PodMonitor and the PrometheusRule would have it in a
 * cluster: the target carries the {@code namespace} and {@code pod} labels Kubernetes discovery would give it.
 */
final class PrometheusServer implements AutoCloseable {

    static final String NAMESPACE = "it";
    static final String POD = "tollgate-it";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final String baseUrl;

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** Started against {@code target} (host:port), or empty where prometheus is not installed; CI requires it. */
    static Optional<PrometheusServer> startIfInstalled(String target) throws Exception {
        Optional<Path> binary = Tools.requiredInCi("prometheus", "prometheus");
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        Path dir = Files.createTempDirectory("tollgate-prometheus");
        YAMLMapper yaml = new YAMLMapper();
        yaml.writeValue(dir.resolve("rules.yaml").toFile(), Manifests.ruleGroups());
        ObjectNode config = yaml.createObjectNode();
        config.putObject("global").put("scrape_interval", "500ms").put("scrape_timeout", "400ms")
                .put("evaluation_interval", "500ms");
        config.putArray("rule_files").add("rules.yaml");
        ObjectNode job = config.putArray("scrape_configs").addObject().put("job_name", "tollgate")
                .put("metrics_path", "/q/metrics");
        ObjectNode targets = job.putArray("static_configs").addObject();
        targets.putArray("targets").add(target);
        targets.putObject("labels").put("namespace", NAMESPACE).put("pod", POD);
        yaml.writeValue(dir.resolve("prometheus.yml").toFile(), config);
        int port = PackagedApp.freePort();
        Process process = new ProcessBuilder(binary.get().toString(), "--config.file=prometheus.yml",
                "--storage.tsdb.path=data", "--web.listen-address=127.0.0.1:" + port).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(process, dir, port);
        server.awaitScraped();
        return Optional.of(server);
    }

    /** Waits until Prometheus is ready and has scraped the target once, so later counters have a sample before. */
    private void awaitScraped() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode targets = api("/api/v1/targets").path("data").path("activeTargets");
                if (targets.size() == 1 && targets.get(0).path("health").asText().equals("up")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited: " + log());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus never scraped tollgate: " + log());
    }

    /** The alerts firing now, each as its labels. */
    List<Map<String, String>> firing() throws Exception {
        List<Map<String, String>> firing = new ArrayList<>();
        for (JsonNode alert : api("/api/v1/alerts").path("data").path("alerts")) {
            if (alert.path("state").asText().equals("firing")) {
                firing.add(JSON.convertValue(alert.path("labels"), JSON.getTypeFactory()
                        .constructMapType(Map.class, String.class, String.class)));
            }
        }
        return firing;
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("prometheus.log"));
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        PackagedApp.stop(process, Duration.ofSeconds(10));
    }
}
