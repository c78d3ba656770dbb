package io.tollgate.upstream;

import java.net.URI;
import java.util.Set;

/**
 * One Heroku AI credential: where to send, the key to send, and the models it serves. An empty model set means the
 * key serves any model (Heroku's "standard" plan, or an explicit {@code *}).
 */
public record Upstream(String name, URI baseUrl, String key, Set<String> models) {

    public boolean anyModel() {
        return models.isEmpty();
    }

    /** The URL of an API path ({@code /v1/...}) under this upstream's base, which may have a path of its own. */
    public String url(String path) {
        String base = baseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path;
    }

    @Override
    public String toString() {
        // never the key
        return "Upstream[" + name + " " + baseUrl + " " + (anyModel() ? "*" : models) + "]";
    }
}
