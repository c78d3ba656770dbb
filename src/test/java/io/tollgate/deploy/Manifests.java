package io.tollgate.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The YAML documents under k8s/, each with the file it came from. */
final class Manifests {

    static final Path K8S = AppSettings.ROOT.resolve("k8s");
    static final Path BASE = K8S.resolve("base");
    static final Path EXAMPLE_OVERLAY = K8S.resolve("overlays/example");
    static final Path MONITORING = K8S.resolve("monitoring");
    static final String DASHBOARD = "tollgate-dashboard.json";
    static final String KUSTOMIZATION = "kustomization.yaml";

    private static final YAMLMapper YAML = new YAMLMapper();

    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        boolean isKustomization() {
            return node.path("apiVersion").asText().startsWith("kustomize.config.k8s.io/");
        }
    }

    /** One alerting rule of the monitoring component's PrometheusRule; {@code forDuration} empty when it has none. */
    record Rule(String group, String alert, String expr, String forDuration, JsonNode labels, JsonNode annotations) {
    }

    private Manifests() {
    }

    /** The Grafana dashboard of k8s/monitoring. */
    static JsonNode dashboard() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(MONITORING.resolve(DASHBOARD).toFile());
        } catch (IOException e) {
            throw new AssertionError(DASHBOARD + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Every PromQL query of the dashboard, its panels' and its variables', each with where it is. */
    static Map<String, String> dashboardQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        JsonNode dashboard = dashboard();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.put("variable " + variable.path("name").asText(), variable.path("definition").asText());
            }
        }
        return queries;
    }

    /** The PrometheusRule's {@code spec}, a copy: what a plain Prometheus rule file holds. */
    static JsonNode ruleGroups() {
        return one(MONITORING, "PrometheusRule").node().path("spec").deepCopy();
    }

    /** Every rule of the PrometheusRule in k8s/monitoring, in order. */
    static List<Rule> alertRules() {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : ruleGroups().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new Rule(group.path("name").asText(), rule.path("alert").asText(), rule.path("expr").asText(),
                        rule.path("for").asText(""), rule.path("labels"), rule.path("annotations")));
            }
        }
        return rules;
    }

    /** Every YAML document in every .yaml/.yml file under k8s/. */
    static List<Doc> all() {
        return docs(K8S, Integer.MAX_VALUE);
    }

    /** The documents of one folder (not its subfolders). */
    static List<Doc> in(Path dir) {
        return docs(dir, 1);
    }

    static Doc one(Path dir, String kind) {
        List<Doc> found = in(dir).stream().filter(d -> d.kind().equals(kind)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " in " + K8S.relativize(dir) + ", found " + found.size());
        }
        return found.get(0);
    }

    static JsonNode kustomization(Path dir) {
        return read(dir.resolve(KUSTOMIZATION)).get(0);
    }

    /** The one container of the base Deployment. */
    static JsonNode container() {
        JsonNode containers = one(BASE, "Deployment").node().path("spec").path("template").path("spec").path("containers");
        if (containers.size() != 1) {
            throw new AssertionError("the Deployment should run one container, runs " + containers.size());
        }
        return containers.get(0);
    }

    /** The container's environment: explicit env entries, then every key of the ConfigMaps and Secrets it loads. */
    static Map<String, String> environment(Path dir, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                env.putAll(data(dir, "ConfigMap", from.path("configMapRef").path("name").asText()));
            }
            if (from.has("secretRef")) {
                env.putAll(data(dir, "Secret", from.path("secretRef").path("name").asText()));
            }
        }
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText(""));
        }
        return env;
    }

    /** The data of a ConfigMap or Secret (stringData, data) of a folder. */
    static Map<String, String> data(Path dir, String kind, String name) {
        Doc doc = in(dir).stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + name + " is not in " + K8S.relativize(dir)));
        Map<String, String> data = new LinkedHashMap<>();
        doc.node().path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        doc.node().path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    /** A KEY=value file, as kustomize's generators read it. */
    static Map<String, String> envFile(Path file) {
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> env.put(k, props.getProperty(k)));
        return env;
    }

    static List<JsonNode> read(Path file) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> result = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    result.add(doc);
                }
            }
            return result;
        } catch (IOException e) {
            throw new AssertionError(K8S.relativize(file) + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static List<Path> yamlFiles(Path dir, int depth) {
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Doc> docs(Path dir, int depth) {
        List<Doc> docs = new ArrayList<>();
        for (Path file : yamlFiles(dir, depth)) {
            for (JsonNode node : read(file)) {
                docs.add(new Doc(file, node));
            }
        }
        return docs;
    }
}
