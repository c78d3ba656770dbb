package io.tollgate.platform;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Heroku's {@code DATABASE_URL} ({@code postgres://user:pass@host:port/db}) turned into the Quarkus datasource
 * properties. Heroku Postgres requires TLS with certificates that cannot be verified against a public CA, so a
 * non-local host gets {@code sslmode=require} unless the URL names its own {@code sslmode}.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password, String sslMode) {

    public static DatabaseUrl parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database)");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgres") || scheme.equals("postgresql"))) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgres:// or postgresql://");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException(
                    "DATABASE_URL must name a host and a database (postgres://user:password@host:port/database)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String sslMode = queryParam(uri.getRawQuery(), "sslmode");
        if (sslMode == null) {
            sslMode = isLocal(uri.getHost()) ? "disable" : "require";
        }
        return new DatabaseUrl(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, uri.getPath().substring(1), user,
                password, sslMode);
    }

    /** The datasource properties Quarkus reads (reactive client for the app, JDBC for Flyway). */
    public Map<String, String> toQuarkusProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + database);
        props.put("quarkus.datasource.jdbc.url",
                "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode);
        if (user != null) {
            props.put("quarkus.datasource.username", user);
        }
        if (password != null) {
            props.put("quarkus.datasource.password", password);
        }
        if (!sslMode.equals("disable")) {
            props.put("quarkus.datasource.reactive.postgresql.ssl-mode",
                    sslMode.startsWith("verify") ? "verify-full" : sslMode);
            if (!sslMode.startsWith("verify")) {
                props.put("quarkus.datasource.reactive.trust-all", "true");
            }
        }
        return props;
    }

    private static boolean isLocal(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static String queryParam(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name) && kv.length == 2) {
                return decode(kv[1]);
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
