package io.tollgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tollgate.support.Backends;
import io.tollgate.support.PackagedApp;

/**
 * Two packaged tollgate instances against one PostgreSQL: in distributed mode they share one limit (N replicas do
 * not admit N times it); in local mode, the single-instance switch, each admits the limit on its own.
 */
class RateLimitReplicasIT {

    static final String ADMIN = "it-admin-token-0123456789";
    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    static final Backends BACKENDS = new Backends();

    static Map<String, String> env(String mode) {
        Map<String, String> env = new HashMap<>();
        env.putAll(BACKENDS.herokuEnv("postgres"));
        env.put("INFERENCE_MODEL_ID", "claude-4-5-haiku");
        env.put("TOLLGATE_ADMIN_TOKEN", ADMIN);
        env.put("TOLLGATE_KEY_SECRET", "k".repeat(48));
        env.put("TOLLGATE_RATE_LIMIT_MODE", mode);
        return env;
    }

    @Test
    void twoInstancesInDistributedModeShareOneLimit() throws Exception {
        try (PackagedApp a = PackagedApp.start(env("distributed")); PackagedApp b = PackagedApp.start(env("distributed"))) {
            String key = newKey(a, "{\"requestsPerMinute\":10}");
            List<HttpResponse<String>> responses = concurrently(20, key, a, b);
            assertEquals(10, count(responses, 200), "admitted by both together: the limit, once");
            assertEquals(10, count(responses, 429));

            // concurrency across replicas: two slow streams on A, then none more on B
            String slotsKey = newKey(a, "{\"concurrentRequests\":2}");
            List<InputStream> open = new ArrayList<>();
            for (PackagedApp app : List.of(a, a)) {
                HttpResponse<InputStream> stream = HTTP.send(request(app, slotsKey,
                        CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""))
                        .header("x-sim-never-finish", "true").header("x-sim-chunk-delay-ms", "50").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, stream.statusCode());
                stream.body().read(); // first byte: the slot is taken
                open.add(stream.body());
            }
            HttpResponse<String> third = HTTP.send(request(b, slotsKey, CHAT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, third.statusCode(), third.body());
            assertTrue(third.body().contains("concurrent_requests_exceeded"));
            for (InputStream stream : open) {
                stream.close();
            }
        }
    }

    @Test
    void delayingOptimizationOvershootsByAtMostTheUnsynchronizedTokensOfTheOtherReplica() throws Exception {
        Map<String, String> env = env("distributed");
        env.put("TOLLGATE_RATE_LIMIT_OPTIMIZATION", "delaying");
        env.put("TOLLGATE_RATE_LIMIT_MAX_UNSYNCHRONIZED_TOKENS", "2");
        try (PackagedApp a = PackagedApp.start(env); PackagedApp b = PackagedApp.start(env)) {
            String key = newKey(a, "{\"requestsPerMinute\":10}");
            List<HttpResponse<String>> responses = concurrently(20, key, a, b);
            long admitted = count(responses, 200);
            // the README's bound: limit + (replicas - 1) x max-unsynchronized-tokens
            assertTrue(admitted >= 10 && admitted <= 10 + 2, "admitted " + admitted);
            assertEquals(20 - admitted, count(responses, 429));
        }
    }

    @Test
    void localModeIsTheSingleInstanceSwitch() throws Exception {
        try (PackagedApp a = PackagedApp.start(env("local")); PackagedApp b = PackagedApp.start(env("local"))) {
            assertTrue(a.output().contains("Rate limits: local mode"), a.output());
            String key = newKey(a, "{\"requestsPerMinute\":10}");
            List<HttpResponse<String>> responses = concurrently(20, key, a, b);
            // each instance counts alone: exact on one instance, twice the limit on two
            assertEquals(20, count(responses, 200));
            List<HttpResponse<String>> more = concurrently(2, key, a, a);
            assertEquals(2, count(more, 429), "one instance alone holds its limit");
        }
    }

    static String newKey(PackagedApp app, String limits) throws Exception {
        String tenant = field(post(app, "/admin/v1/tenants", "{\"name\":\"t-" + java.util.UUID.randomUUID() + "\"}"), "id");
        return field(post(app, "/admin/v1/tenants/" + tenant + "/keys", "{\"name\":\"k\",\"limits\":" + limits + "}"),
                "key");
    }

    static List<HttpResponse<String>> concurrently(int n, String key, PackagedApp a, PackagedApp b) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(HTTP.sendAsync(request(i % 2 == 0 ? a : b, key, CHAT).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    static long count(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }

    static HttpRequest.Builder request(PackagedApp app, String key, String body) {
        return HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> post(PackagedApp app, String path, String body) throws Exception {
        HttpResponse<String> response = app.post(path, ADMIN, body);
        assertEquals(201, response.statusCode(), response.body());
        return response;
    }

    static String field(HttpResponse<String> response, String name) throws Exception {
        return new ObjectMapper().readTree(response.body()).path(name).asText();
    }
}
