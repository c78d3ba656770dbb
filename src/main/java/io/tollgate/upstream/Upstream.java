package io.tollgate.upstream;

import java.net.URI;
import java.util.Set;

import io.vertx.core.http.RequestOptions;

/**
 * One Heroku AI credential: where to send, the key to send, and the models it serves. An empty model set means the
 * key serves any model (Heroku's "standard" plan, or an explicit {@code *}).
 */
public record Upstream(String name, URI baseUrl, String key, Set<String> models) {

    public boolean anyModel() {
        return models.isEmpty();
    }

    /**
     * Where to send a request for an API path ({@code /v1/...}): host, port, TLS, and the path under the base URL,
     * which may have a path of its own. Taken from the base URL already parsed, not by parsing a URL per request.
     */
    public RequestOptions requestOptions(String path) {
        boolean tls = "https".equalsIgnoreCase(baseUrl.getScheme());
        String basePath = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        return new RequestOptions()
                .setSsl(tls)
                .setHost(baseUrl.getHost())
                .setPort(baseUrl.getPort() >= 0 ? baseUrl.getPort() : tls ? 443 : 80)
                .setURI(basePath + path);
    }

    @Override
    public String toString() {
        // never the key
        return "Upstream[" + name + " " + baseUrl + " " + (anyModel() ? "*" : models) + "]";
    }
}
