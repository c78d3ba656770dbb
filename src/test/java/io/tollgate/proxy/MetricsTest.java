package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;

@QuarkusTest
class MetricsTest {

    @Inject
    Gateway gateway;

    @BeforeEach
    void setUp() {
        gateway.reset();
    }

    private static String lines(String text, String prefix) {
        return String.join("\n", text.lines().filter(l -> l.startsWith(prefix)).toList());
    }

    @Test
    void countsRequestsByTenantModelEndpointAndStatusWithTokensAndOverhead() throws Exception {
        String tenant = gateway.newTenant();
        String key = gateway.newKey(tenant, Map.of("name", "m")).path("key");
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("Server-Timing",
                        matchesPattern(
                                "auth;dur=\\d+\\.\\d{3}, limits;dur=\\d+\\.\\d{3}, upstream;dur=\\d+\\.\\d{3}, gateway;dur=\\d+\\.\\d{3}"
                                        + ", usage;dur=\\d+\\.\\d{3}"));
        Sse.post("/v1/chat/completions", key,
                "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        given().contentType(ContentType.JSON).body("{}").post("/v1/chat/completions").then().statusCode(401);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(
                metrics.matches(
                        "(?s).*tollgate_requests_total\\{[^}]*endpoint=\"chat/completions\"[^}]*model=\"claude-4-5-haiku\""
                                + "[^}]*status=\"200\"[^}]*tenant=\"" + tenant + "\"[^}]*} 2\\.0.*"),
                "two requests of that tenant counted");
        assertTrue(metrics.contains(
                "gen_ai_client_token_usage_sum{gen_ai_operation_name=\"chat\",gen_ai_request_model=\"claude-4-5-haiku\","
                        + "gen_ai_token_type=\"output\",tenant=\"" + tenant + "\"} 24.0"),
                "12 output tokens twice: " + lines(metrics, "gen_ai_client_token_usage_sum"));
        assertTrue(
                metrics.contains("gen_ai_server_time_to_first_token_seconds_count{gen_ai_request_model=\"claude-4-5-haiku\"}"));
        assertTrue(metrics.contains("tollgate_gateway_overhead_seconds_bucket"));
        assertTrue(
                metrics.matches("(?s).*tollgate_requests_rejected_total\\{reason=\"invalid_api_key\",status=\"401\"} [1-9].*"));
    }

    @Test
    void overheadIncludesTheWaitForTheDurableUsageRow() {
        String key = gateway.newKey(gateway.newTenant(), Map.of("name", "o")).path("key");
        double countBefore = overhead("count");
        double sumBefore = overhead("sum");

        String timing = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().header("Server-Timing");

        Gateway.await("the request's overhead recorded", () -> overhead("count") >= countBefore + 1);
        assertEquals(countBefore + 1, overhead("count"), "one request measured");
        // what the client waited for beyond the upstream: the gateway's part and the usage row's commit
        double expected = (timing(timing, "gateway") + timing(timing, "usage")) / 1000;
        double measured = overhead("sum") - sumBefore;
        assertTrue(measured >= expected - 1e-6, "overhead " + measured + " s, Server-Timing " + timing);
    }

    private static double overhead(String what) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String name = "tollgate_gateway_overhead_seconds_" + what + " ";
        return metrics.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(l.substring(name.length())))
                .findFirst().orElse(0);
    }

    private static double timing(String header, String name) {
        Matcher m = Pattern.compile(name + ";dur=(\\d+\\.\\d+)").matcher(header);
        assertTrue(m.find(), header);
        return Double.parseDouble(m.group(1));
    }
}
