package io.tollgate.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tollgate.simulator.Fault;
import io.tollgate.support.Gateway;
import io.tollgate.support.MutableClock;
import io.tollgate.support.Sse;

/**
 * Limits through the real gateway: real sockets, the simulator as upstream, buckets in the (embedded) PostgreSQL
 * in distributed mode, the test profile's default.
 */
@QuarkusTest
class RateLimitEndToEndTest {

    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final String STREAM = "{\"model\":\"claude-4-5-haiku\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Gateway gateway;
    @Inject
    MutableClock clock;

    @BeforeEach
    void setUp() {
        gateway.reset();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String tenant(Map<String, Object> limits) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "t-" + java.util.UUID.randomUUID()));
        if (limits != null) {
            body.put("limits", limits);
        }
        return given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body(body)
                .post("/admin/v1/tenants").then().statusCode(201).extract().path("id");
    }

    String key(String tenant, Map<String, Object> limits) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "k"));
        if (limits != null) {
            body.put("limits", limits);
        }
        return gateway.newKey(tenant, body).path("key");
    }

    static HttpResponse<String> chat(String key, String body) throws Exception {
        return HTTP.send(Sse.request("/v1/chat/completions", key, body, Map.of()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static List<HttpResponse<String>> concurrently(int n, String key, String body) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(HTTP.sendAsync(Sse.request("/v1/chat/completions", key, body, Map.of()).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    static long count(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }

    @Test
    void keyLimitedToTenRequestsPerMinuteGetsExactlyTenOfTwentyConcurrent() throws Exception {
        String key = key(tenant(null), Map.of("requestsPerMinute", 10));
        List<HttpResponse<String>> responses = concurrently(20, key, CHAT);
        assertEquals(10, count(responses, 200), "admitted");
        assertEquals(10, count(responses, 429), "refused");
        HttpResponse<String> refused = responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals("rate_limit_error", error.path("type").asText());
        assertEquals("requests_per_minute_exceeded", error.path("code").asText());
        long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 6, "one request refills every 6 s: " + retryAfter);
        assertEquals("0", refused.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals(10, gateway.simulator().requests("/v1/chat/completions").size(), "the upstream saw only 10");
    }

    static double decisions(String where) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String prefix = "tollgate_ratelimit_decisions_total{where=\"" + where + "\"";
        return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    @Test
    void aLargeLimitIsDecidedFromTheReplicasShareWithoutTheDatabase() throws Exception {
        // 6000 a minute, at most 100 in a second: the first request takes itself and a slice (2 %, capped by the
        // burst) from PostgreSQL; the next ones are decided in memory, and their headers still count down
        String key = key(tenant(null), Map.of("requestsPerMinute", 6000));
        double store = decisions("store");
        double memory = decisions("memory");
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            HttpResponse<String> response = chat(key, CHAT);
            assertEquals(200, response.statusCode());
            remaining.add(header(response, "x-ratelimit-remaining-requests"));
        }
        assertEquals(store + 1, decisions("store"), "one transaction");
        assertEquals(memory + 10, decisions("memory"));
        // then what the shared bucket had (5900), plus its refill since (100 a second), plus what is held, at most 6000
        assertTrue(remaining.stream().mapToLong(Long::parseLong).allMatch(r -> r >= 5900 && r <= 6000),
                "remaining " + remaining);
    }

    @Test
    void retryAfterIsWhenTheBucketReallyRefills() throws Exception {
        String key = key(tenant(null), Map.of("requestsPerMinute", 10));
        for (int i = 0; i < 10; i++) {
            assertEquals(200, chat(key, CHAT).statusCode());
        }
        clock.advance(Duration.ofMillis(3500)); // the next token is due 6 s after the first request
        HttpResponse<String> refused = chat(key, CHAT);
        assertEquals(429, refused.statusCode());
        long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter == 3 || retryAfter == 2, "2.5 s (less the time the requests took) rounded up: " + retryAfter);
        clock.advance(Duration.ofSeconds(retryAfter));
        assertEquals(200, chat(key, CHAT).statusCode(), "admitted once Retry-After has passed");
    }

    @Test
    void tenantLimitBindsAcrossTwoOfItsKeys() {
        String tenant = tenant(Map.of("requestsPerMinute", 6));
        String a = key(tenant, null);
        String b = key(tenant, null);
        List<CompletableFuture<List<HttpResponse<String>>>> both = List.of(
                CompletableFuture.supplyAsync(() -> concurrently(5, a, CHAT)),
                CompletableFuture.supplyAsync(() -> concurrently(5, b, CHAT)));
        List<HttpResponse<String>> all = both.stream().flatMap(f -> f.join().stream()).toList();
        assertEquals(6, count(all, 200));
        assertEquals(4, count(all, 429));
    }

    @Test
    void concurrencyLimitHoldsWhileSlowStreamsRunAndFreesWhenTheyEnd() throws Exception {
        String key = key(tenant(null), Map.of("concurrentRequests", 2));
        Map<String, String> slow = Map.of("x-sim-never-finish", "true", "x-sim-chunk-delay-ms", "50");
        List<InputStream> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<InputStream> stream = HTTP.send(Sse.request("/v1/chat/completions", key, STREAM, slow).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            readEvents(stream.body(), 2);
            open.add(stream.body());
        }
        HttpResponse<String> third = chat(key, CHAT);
        assertEquals(429, third.statusCode());
        assertEquals("concurrent_requests_exceeded", JSON.readTree(third.body()).path("error").path("code").asText());
        assertEquals("1", third.headers().firstValue("retry-after").orElseThrow());

        open.get(0).close(); // the client goes away: its slot comes back
        Gateway.await("a slot to come back", () -> {
            try {
                return chat(key, CHAT).statusCode() == 200;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        open.get(1).close();
    }

    @Test
    void headersOnJsonAnswersReflectTheTighterOfKeyAndTenant() throws Exception {
        String tenant = tenant(Map.of("requestsPerMinute", 100, "tokensPerMinute", 5000));
        String key = key(tenant, Map.of("requestsPerMinute", 5, "tokensPerMinute", 100000 / 100));
        HttpResponse<String> response = chat(key,
                "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, response.statusCode());
        assertEquals("5", header(response, "x-ratelimit-limit-requests"));
        assertEquals("4", header(response, "x-ratelimit-remaining-requests"));
        assertTrue(header(response, "x-ratelimit-reset-requests").matches("\\d+(ms|s)"),
                header(response, "x-ratelimit-reset-requests"));
        assertEquals("1000", header(response, "x-ratelimit-limit-tokens"));
        // reserved: 100 for the answer and 1 for "Hi"
        assertEquals("899", header(response, "x-ratelimit-remaining-tokens"));
        assertTrue(header(response, "x-ratelimit-reset-tokens").matches("\\d+(ms|s)"));
        assertEquals(1, response.headers().allValues("x-ratelimit-limit-requests").size(),
                "tollgate's headers replace the upstream's");
    }

    @Test
    void headersArriveWithTheStreamBeforeTheFirstEvent() throws Exception {
        String key = key(tenant(null), Map.of("requestsPerMinute", 7, "tokensPerMinute", 50000));
        HttpResponse<InputStream> stream = HTTP.send(Sse.request("/v1/chat/completions", key, STREAM,
                Map.of("x-sim-never-finish", "true", "x-sim-chunk-delay-ms", "50")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = stream.body()) {
            assertEquals(200, stream.statusCode());
            assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            assertEquals("7", stream.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
            assertEquals("6", stream.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertEquals("50000", stream.headers().firstValue("x-ratelimit-limit-tokens").orElseThrow());
            assertEquals(String.valueOf(50000 - 1024 - 1),
                    stream.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow(),
                    "the default max output (1024) and the prompt's estimate are reserved");
            readEvents(body, 1);
        }
    }

    @Test
    void tokenReservationIsSettledToTheRealUsage() throws Exception {
        // 2000 tokens a minute; each request reserves 1500 + 1 but uses a few dozen
        String key = key(tenant(null), Map.of("tokensPerMinute", 2000));
        String big = "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":1500,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> first = chat(key, big);
        assertEquals(200, first.statusCode());
        assertEquals("499", header(first, "x-ratelimit-remaining-tokens"));
        long used = JSON.readTree(first.body()).path("usage").path("total_tokens").asLong();
        assertTrue(used > 0 && used < 500, "usage " + used);
        // without settlement 499 tokens would be left: the second reservation fits only because the first was settled
        Gateway.await("the settlement", () -> {
            try {
                HttpResponse<String> second = chat(key, big);
                return second.statusCode() == 200;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aRequestOverTheTokenLimitIsRefusedWithTheTokensCode() throws Exception {
        String key = key(tenant(null), Map.of("tokensPerMinute", 1000));
        String big = "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":900,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        // the first holds its reservation while its answer is still coming
        HttpResponse<InputStream> running = HTTP.send(Sse.request("/v1/chat/completions", key,
                big.replace("{\"model\"", "{\"stream\":true,\"model\""),
                Map.of("x-sim-never-finish", "true", "x-sim-chunk-delay-ms", "50")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, running.statusCode());
        readEvents(running.body(), 1);
        HttpResponse<String> refused = chat(key, big);
        running.body().close();
        assertEquals(429, refused.statusCode());
        assertEquals("tokens_per_minute_exceeded", JSON.readTree(refused.body()).path("error").path("code").asText());
        assertEquals("1000", header(refused, "x-ratelimit-limit-tokens"));
    }

    @Test
    void limitsChangedThroughTheAdminApiTakeEffectWithoutARestart() throws Exception {
        String tenant = tenant(null);
        var created = gateway.newKey(tenant, Map.of("name", "k", "limits", Map.of("requestsPerMinute", 2)));
        String key = created.path("key");
        String keyId = created.path("id");
        assertEquals(200, chat(key, CHAT).statusCode());
        assertEquals(200, chat(key, CHAT).statusCode());
        assertEquals(429, chat(key, CHAT).statusCode());

        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("limits", Map.of("requestsPerMinute", 4))).patch("/admin/v1/keys/" + keyId).then()
                .statusCode(200).body("limits.requestsPerMinute", equalTo(4));
        HttpResponse<String> raised = chat(key, CHAT);
        assertEquals(200, raised.statusCode(), "2 more allowed at once");
        assertEquals("4", header(raised, "x-ratelimit-limit-requests"));
        assertEquals(200, chat(key, CHAT).statusCode());
        assertEquals(429, chat(key, CHAT).statusCode());

        // the tenant's limit, changed, binds its keys too
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("limits", Map.of("requestsPerMinute", 10))).patch("/admin/v1/tenants/" + tenant).then()
                .statusCode(200).body("limits.requestsPerMinute", equalTo(10));
        String other = key(tenant, null);
        assertEquals("10", header(chat(other, CHAT), "x-ratelimit-limit-requests"));

        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("limits", Map.of())).patch("/admin/v1/keys/" + keyId).then().statusCode(200);
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("limits", Map.of())).patch("/admin/v1/tenants/" + tenant).then().statusCode(200);
        HttpResponse<String> unlimited = chat(key, CHAT);
        assertEquals(200, unlimited.statusCode());
        // nor the upstream's: the simulator sends its own, which describe the shared account of every tenant
        assertTrue(unlimited.headers().map().keySet().stream().noneMatch(h -> h.startsWith("x-ratelimit-")),
                unlimited.headers().map().toString());
    }

    @Test
    void perModelOverrideLimitsThatModelOnly() throws Exception {
        String key = key(tenant(null), Map.of("requestsPerMinute", 50,
                "models", Map.of("claude-4-5-haiku", Map.of("requestsPerMinute", 1))));
        assertEquals(200, chat(key, CHAT).statusCode());
        assertEquals(429, chat(key, CHAT).statusCode());
        HttpResponse<String> other = chat(key, CHAT.replace("claude-4-5-haiku", "claude-4-5-sonnet"));
        assertEquals(200, other.statusCode());
        assertEquals("50", header(other, "x-ratelimit-limit-requests"));
        assertTrue(other.headers().firstValue("x-ratelimit-limit-tokens").isEmpty(),
                "no token limit here, and the upstream's own token headers are not the caller's");
    }

    @Test
    void anUpstream429IsPassedThroughWithTheUpstreamsRetryAfter() throws Exception {
        String key = key(tenant(null), Map.of("requestsPerMinute", 100));
        gateway.simulator().enqueue(Fault.status(429).withHeader("Retry-After", "3600").onPath("/v1/chat/completions"));
        HttpResponse<String> limited = chat(key, CHAT);
        assertEquals(429, limited.statusCode(), () -> "the upstream saw " + gateway.simulator().requests());
        assertEquals("3600", header(limited, "retry-after"), "the upstream's Retry-After, not tollgate's");
        assertEquals("100", header(limited, "x-ratelimit-limit-requests"));
        assertEquals("99", header(limited, "x-ratelimit-remaining-requests"), "tollgate's own budget is what it is");
    }

    @Test
    void rejectionsAreCountedByReason() throws Exception {
        String key = key(tenant(null), Map.of("requestsPerMinute", 1));
        chat(key, CHAT);
        assertEquals(429, chat(key, CHAT).statusCode());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.matches(
                "(?s).*tollgate_requests_rejected_total\\{reason=\"requests_per_minute_exceeded\",status=\"429\"} [1-9].*"),
                metrics.lines().filter(l -> l.contains("rejected")).toList().toString());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name));
    }

    private static void readEvents(InputStream body, int n) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        int events = 0;
        String line;
        while (events < n && (line = reader.readLine()) != null) {
            if (line.startsWith("data:")) {
                events++;
            }
        }
    }
}
