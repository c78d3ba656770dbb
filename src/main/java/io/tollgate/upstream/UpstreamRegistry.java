package io.tollgate.upstream;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * Which upstream serves a model. Upstreams come from Heroku's config vars, from {@code tollgate.upstreams.*}, and
 * in dev/test with neither, from the bundled simulator. An upstream that lists the model wins over one that serves
 * any model; a model no upstream serves is unknown (404).
 */
@Startup
@ApplicationScoped
public class UpstreamRegistry {

    private static final Logger LOG = Logger.getLogger(UpstreamRegistry.class);

    private final List<Upstream> upstreams;
    private final Set<String> catalog;

    @Inject
    public UpstreamRegistry(UpstreamConfig config, ModelCatalogConfig catalogConfig, SimulatorUpstream simulator) {
        List<Upstream> found = new ArrayList<>(fromEnvironment(System.getenv()));
        found.addAll(fromConfig(config));
        if (simulator.shouldStart(found.isEmpty(), LaunchMode.current())) {
            found.add(simulator.start());
        }
        this.upstreams = List.copyOf(found);
        this.catalog = Collections.unmodifiableSet(new LinkedHashSet<>(catalogConfig.catalog()));
        if (upstreams.isEmpty()) {
            LOG.warn("No upstream configured: set INFERENCE_URL and INFERENCE_KEY (and INFERENCE_MODEL_ID), "
                    + "or tollgate.upstreams.<name>.url/key/models. Readiness stays DOWN until one is.");
        } else {
            upstreams.forEach(u -> LOG.infof("Upstream %s", u));
        }
    }

    UpstreamRegistry(List<Upstream> upstreams, Set<String> catalog) {
        this.upstreams = List.copyOf(upstreams);
        this.catalog = catalog;
    }

    public Optional<Upstream> route(String model) {
        for (Upstream u : upstreams) {
            if (u.models().contains(model)) {
                return Optional.of(u);
            }
        }
        if (catalog.contains(model)) {
            for (Upstream u : upstreams) {
                if (u.anyModel()) {
                    return Optional.of(u);
                }
            }
        }
        return Optional.empty();
    }

    /** Every model some upstream serves: listed ones, and the catalog when a key serves any model. */
    public Set<String> models() {
        Set<String> models = new LinkedHashSet<>();
        boolean any = false;
        for (Upstream u : upstreams) {
            models.addAll(u.models());
            any |= u.anyModel();
        }
        if (any) {
            models.addAll(catalog);
        }
        return models;
    }

    /**
     * The upstream for calls that name no model (MCP server listing): INFERENCE when present, else the first that
     * serves any model, else the first.
     */
    public Optional<Upstream> defaultUpstream() {
        return upstreams.stream().filter(u -> u.name().equals("inference")).findFirst()
                .or(() -> upstreams.stream().filter(Upstream::anyModel).findFirst())
                .or(() -> upstreams.stream().findFirst());
    }

    public List<Upstream> all() {
        return upstreams;
    }

    /**
     * Heroku's convention: every {@code <NAME>_URL} with a {@code <NAME>_KEY} beside it is an attachment;
     * {@code <NAME>_MODEL_ID}, when present, is the one model it serves (without it: the standard plan, any model).
     */
    static List<Upstream> fromEnvironment(Map<String, String> env) {
        List<Upstream> result = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!var.endsWith("_URL") || var.length() <= 4) {
                continue;
            }
            String name = var.substring(0, var.length() - 4);
            String key = env.get(name + "_KEY");
            if (key == null || key.isBlank() || e.getValue().isBlank()) {
                continue;
            }
            URI url = parseUrl(var, e.getValue());
            if (url == null) {
                continue;
            }
            String modelId = env.get(name + "_MODEL_ID");
            Set<String> models = modelId == null || modelId.isBlank() ? Set.of() : Set.of(modelId.strip());
            result.add(new Upstream(name.toLowerCase(Locale.ROOT), url, key.strip(), models));
        }
        // INFERENCE first: the default attachment is the one people expect to answer
        result.sort((a, b) -> a.name().equals("inference") ? -1 : b.name().equals("inference") ? 1 : 0);
        return result;
    }

    static List<Upstream> fromConfig(UpstreamConfig config) {
        List<Upstream> result = new ArrayList<>();
        for (Map.Entry<String, UpstreamConfig.Entry> e : new TreeMap<>(config.named()).entrySet()) {
            URI url = parseUrl("tollgate.upstreams." + e.getKey() + ".url", e.getValue().url());
            if (url == null) {
                throw new IllegalStateException("tollgate.upstreams." + e.getKey() + ".url must be an http(s) URL");
            }
            Set<String> models = new LinkedHashSet<>();
            for (String m : e.getValue().models()) {
                if (!m.isBlank() && !m.strip().equals("*")) {
                    models.add(m.strip());
                }
            }
            boolean any = e.getValue().models().stream().anyMatch(m -> m.strip().equals("*"));
            result.add(new Upstream(e.getKey(), url, e.getValue().key(), any ? Set.of() : Set.copyOf(models)));
        }
        return result;
    }

    private static URI parseUrl(String name, String value) {
        try {
            URI uri = URI.create(value.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        LOG.debugf("%s is not an http(s) URL; not an upstream", name);
        return null;
    }
}
