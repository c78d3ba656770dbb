package io.tollgate.budget;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.tollgate.support.Gateway;

@QuarkusTest
class BudgetTest {

    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @Inject
    Gateway gateway;

    static ValidatableResponse chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(CHAT)
                .post("/v1/chat/completions").then();
    }

    static Response admin(String method, String path, Object body) {
        var spec = given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON);
        if (body != null) {
            spec.body(body);
        }
        return spec.request(method, path);
    }

    /** Spends once (the row is durable when the answer arrives), then the budget is used up. */
    void spendOnce(String key) {
        String id = chat(key).statusCode(200).extract().header("x-request-id");
        gateway.usageRow(id);
    }

    @Test
    void tenantTokenBudgetUsedUpAnswers429InsufficientQuota() {
        String tenant = admin("POST", "/admin/v1/tenants",
                Map.of("name", "b-" + java.util.UUID.randomUUID(), "budget", Map.of("monthlyTokens", 1)))
                .then().statusCode(201).extract().path("id");
        String key = gateway.newKey(tenant, Map.of("name", "k")).path("key");
        spendOnce(key);
        chat(key).statusCode(429).body("error.code", equalTo("insufficient_quota"))
                .body("error.type", equalTo("insufficient_quota"));
        admin("GET", "/admin/v1/tenants/" + tenant + "/budget", null).then().statusCode(200)
                .body("monthlyTokens", equalTo(1));

        // raised: allowed again; removed: no limit
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of("monthlyTokens", 1_000_000))).then()
                .statusCode(200).body("name", org.hamcrest.Matchers.startsWith("b-"));
        chat(key).statusCode(200);
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of("monthlyTokens", 0))).then().statusCode(200);
        chat(key).statusCode(429);
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of())).then().statusCode(200);
        chat(key).statusCode(200);
    }

    @Test
    void keyMoneyBudgetStopsThatKeyOnly() {
        String tenant = gateway.newTenant();
        Response limited = gateway.newKey(tenant, Map.of("name", "limited", "budget", Map.of("monthlyUsdMicros", 1)));
        String other = gateway.newKey(tenant, Map.of("name", "other")).path("key");
        spendOnce(limited.path("key"));
        chat(limited.path("key")).statusCode(429).body("error.code", equalTo("insufficient_quota"));
        chat(other).statusCode(200);

        Response status = admin("GET", "/admin/v1/keys/" + limited.path("id") + "/budget", null);
        status.then().statusCode(200).body("monthlyUsdMicros", equalTo(1));
        long spent = ((Number) status.path("spentUsdMicros")).longValue();
        assertEquals(gateway.usageRowsOfKey(limited.path("id")).get(0).getLong("cost_micros"), spent);

        admin("PATCH", "/admin/v1/keys/" + limited.path("id"), Map.of("budget", Map.of("monthlyUsdMicros", spent + 1_000_000)))
                .then().statusCode(200).body("id", equalTo(limited.path("id")));
        admin("GET", "/admin/v1/keys/" + limited.path("id") + "/budget", null).then().statusCode(200)
                .body("monthlyUsdMicros", equalTo((int) (spent + 1_000_000)));
        chat(limited.path("key")).statusCode(200);
    }

    static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    @Test
    void softLimitIsReportedInTheBudgetTheUsageReportAndTheMetricsAndNeverRefuses() {
        String tenant = admin("POST", "/admin/v1/tenants", Map.of("name", "s-" + java.util.UUID.randomUUID(), "budget",
                Map.of("monthlyTokens", 1_000_000, "softLimitPercent", 50))).then().statusCode(201).extract().path("id");
        String key = gateway.newKey(tenant, Map.of("name", "k")).path("key");
        spendOnce(key);
        String budget = "/admin/v1/tenants/" + tenant + "/budget";
        int spent = admin("GET", budget, null).then().statusCode(200).body("softLimitPercent", equalTo(50))
                .body("softLimitReached", equalTo(false)).extract().path("spentTokens");

        // a budget of 4 × the spend: 25 % reaches it exactly; one token more does not
        admin("PATCH", "/admin/v1/tenants/" + tenant,
                Map.of("budget", Map.of("monthlyTokens", spent * 4 + 1, "softLimitPercent", 25))).then().statusCode(200);
        admin("GET", budget, null).then().body("softLimitReached", equalTo(false));
        admin("PATCH", "/admin/v1/tenants/" + tenant,
                Map.of("budget", Map.of("monthlyTokens", spent * 4, "softLimitPercent", 25))).then().statusCode(200);
        admin("GET", budget, null).then().body("softLimitReached", equalTo(true)).body("spentTokens", equalTo(spent));
        admin("GET", "/admin/v1/tenants/" + tenant + "/usage", null).then().statusCode(200)
                .body("budget.softLimitReached", equalTo(true)).body("budget.monthlyTokens", equalTo(spent * 4));

        // requests go on; the first one past the soft limit is counted once
        double crossings = metric("tollgate_budget_soft_limit_crossings_total");
        chat(key).statusCode(200);
        chat(key).statusCode(200);
        assertEquals(crossings + 1, metric("tollgate_budget_soft_limit_crossings_total"));
        assertTrue(metric("tollgate_budget_soft_limit_reached") >= 1);
    }

    @Test
    void softLimitMustBeAPercentOfABudget() {
        String tenant = gateway.newTenant();
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of("monthlyTokens", 5, "softLimitPercent", 0)))
                .then().statusCode(400).body("error.param", equalTo("budget.softLimitPercent"));
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of("monthlyTokens", 5, "softLimitPercent", 101)))
                .then().statusCode(400).body("error.param", equalTo("budget.softLimitPercent"));
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of("softLimitPercent", 80))).then()
                .statusCode(400).body("error.param", equalTo("budget.softLimitPercent"));
        admin("GET", "/admin/v1/tenants/" + tenant + "/usage", null).then().statusCode(200)
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("budget")));
    }

    @Test
    void invalidBudgetsAre400AndUnknownKeys404() {
        String tenant = gateway.newTenant();
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of("budget", Map.of("monthlyUsdMicros", -5))).then()
                .statusCode(400).body("error.param", equalTo("budget.monthlyUsdMicros"));
        admin("PATCH", "/admin/v1/keys/" + java.util.UUID.randomUUID(), Map.of("budget", Map.of("monthlyTokens", 5)))
                .then().statusCode(404);
        admin("PATCH", "/admin/v1/tenants/" + tenant, Map.of()).then().statusCode(400);
    }
}
