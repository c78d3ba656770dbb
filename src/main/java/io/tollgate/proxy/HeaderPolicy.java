package io.tollgate.proxy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vertx.core.MultiMap;

/**
 * Header hygiene both ways: hop-by-hop headers (RFC 9110 §7.6.1, plus any the {@code Connection} header names) never
 * cross; the client's credentials never go upstream; the upstream key never comes back.
 */
final class HeaderPolicy {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade");

    /** Never forwarded upstream: hop-by-hop, the tenant's credentials, and what tollgate sets itself. */
    private static final Set<String> NOT_UPSTREAM = Set.of("host", "content-length", "authorization", "x-api-key",
            "cookie", "accept-encoding", "x-request-id", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            "forwarded", "user-agent");

    /** Never returned to the client: tollgate sets these itself, or they belong to the upstream's site. */
    private static final Set<String> NOT_DOWNSTREAM = Set.of("content-length", "x-request-id", "request-id", "set-cookie",
            "server", "date", "alt-svc", "strict-transport-security");

    static final String USER_AGENT = "tollgate/0.1";

    private HeaderPolicy() {
    }

    static MultiMap upstreamRequestHeaders(MultiMap client, String upstreamKey, boolean anthropicAuth,
            String requestId) {
        Set<String> named = connectionNamed(client);
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> h : client) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !NOT_UPSTREAM.contains(name) && !named.contains(name)) {
                out.add(h.getKey(), h.getValue());
            }
        }
        if (anthropicAuth) {
            out.set("x-api-key", upstreamKey);
        } else {
            out.set("Authorization", "Bearer " + upstreamKey);
        }
        out.set("User-Agent", USER_AGENT);
        out.set("X-Request-Id", requestId);
        return out;
    }

    /**
     * Copies the upstream's answer headers that may reach the client. Never its {@code x-ratelimit-*}: they describe
     * tollgate's shared upstream account, whose remaining requests and tokens count every tenant's traffic; a caller
     * sees tollgate's own limits, or none.
     */
    static void copyResponseHeaders(MultiMap upstream, MultiMap client, String upstreamKey) {
        Set<String> named = connectionNamed(upstream);
        for (Map.Entry<String, String> h : upstream) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || NOT_DOWNSTREAM.contains(name) || named.contains(name)
                    || name.startsWith("x-ratelimit-") || h.getValue().contains(upstreamKey)) {
                continue;
            }
            client.add(h.getKey(), h.getValue());
        }
        String upstreamId = upstream.get("x-request-id");
        if (upstreamId == null) {
            upstreamId = upstream.get("request-id");
        }
        if (upstreamId != null && !upstreamId.contains(upstreamKey)) {
            client.set("x-upstream-request-id", upstreamId);
        }
    }

    private static Set<String> connectionNamed(MultiMap headers) {
        String connection = headers.get("connection");
        if (connection == null) {
            return Set.of();
        }
        Set<String> named = new HashSet<>();
        for (String token : connection.split(",")) {
            named.add(token.strip().toLowerCase(Locale.ROOT));
        }
        return named;
    }
}
