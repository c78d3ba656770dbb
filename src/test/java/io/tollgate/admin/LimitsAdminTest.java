package io.tollgate.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.tollgate.support.Gateway;

/** Limits on tenants and keys through the admin API: set on create and PATCH, shown by GET, checked strictly. */
@QuarkusTest
class LimitsAdminTest {

    @Inject
    Gateway gateway;

    static RequestSpecification admin() {
        return given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON);
    }

    @Test
    void tenantLimitsAreSetOnCreateShownByGetAndReplacedByPatch() {
        String id = admin().body("{\"name\":\"t-" + java.util.UUID.randomUUID() + "\",\"limits\":{\"requestsPerMinute\":60,"
                + "\"tokensPerMinute\":100000,\"concurrentRequests\":5,\"models\":{\"claude-4-5-sonnet\":"
                + "{\"requestsPerMinute\":10}}}}")
                .post("/admin/v1/tenants").then().statusCode(201).body("limits.requestsPerMinute", equalTo(60))
                .extract().path("id");
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + id).then().statusCode(200)
                .body("limits.tokensPerMinute", equalTo(100000)).body("limits.concurrentRequests", equalTo(5))
                .body("limits.models.'claude-4-5-sonnet'.requestsPerMinute", equalTo(10));
        // only what is given changes: a rename keeps the limits, new limits replace the old ones whole
        admin().body(Map.of("name", "renamed-" + id)).patch("/admin/v1/tenants/" + id).then().statusCode(200)
                .body("limits.requestsPerMinute", equalTo(60));
        admin().body(Map.of("limits", Map.of("requestsPerMinute", 30))).patch("/admin/v1/tenants/" + id).then()
                .statusCode(200).body("limits.requestsPerMinute", equalTo(30)).body("limits.tokensPerMinute", nullValue());
        admin().body(Map.of("limits", Map.of())).patch("/admin/v1/tenants/" + id).then().statusCode(200)
                .body("limits", nullValue());
    }

    @Test
    void aKeysLimitsCannotExceedItsTenants() {
        String tenant = admin().body(Map.of("name", "t-" + java.util.UUID.randomUUID(), "limits",
                Map.of("requestsPerMinute", 100, "tokensPerMinute", 1000))).post("/admin/v1/tenants").then()
                .statusCode(201).extract().path("id");
        admin().body(Map.of("name", "k", "limits", Map.of("requestsPerMinute", 101)))
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("limits.requestsPerMinute"))
                .body("error.message", containsString("exceeds its tenant's"));
        String keyId = admin().body(Map.of("name", "k", "limits", Map.of("requestsPerMinute", 50)))
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(201)
                .body("limits.requestsPerMinute", equalTo(50)).extract().path("id");
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + tenant + "/keys").then()
                .statusCode(200).body("[0].limits.requestsPerMinute", equalTo(50));
        admin().body(Map.of("limits", Map.of("tokensPerMinute", 5000))).patch("/admin/v1/keys/" + keyId).then()
                .statusCode(400).body("error.param", equalTo("limits.tokensPerMinute"));
        admin().body(Map.of("limits", Map.of("tokensPerMinute", 500), "name", "k2")).patch("/admin/v1/keys/" + keyId)
                .then().statusCode(200).body("name", equalTo("k2")).body("limits.tokensPerMinute", equalTo(500))
                .body("limits.requestsPerMinute", nullValue());
        // the tenant cannot go below a limit one of its keys has
        admin().body(Map.of("limits", Map.of("tokensPerMinute", 400))).patch("/admin/v1/tenants/" + tenant).then()
                .statusCode(400).body("error.param", equalTo("limits"))
                .body("error.message", containsString(keyId));
    }

    @Test
    void limitsAreCheckedStrictly() {
        String tenant = gateway.newTenant();
        admin().body("{\"name\":\"k\",\"limits\":{\"requestsPerMinut\":10}}")
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error")).body("error.param", equalTo("requestsPerMinut"));
        admin().body("{\"name\":\"k\",\"limits\":{\"requestsPerMinute\":0}}")
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400)
                .body("error.param", equalTo("limits.requestsPerMinute"));
        admin().body("{\"name\":\"k\",\"limits\":{\"requestsPerMinute\":\"ten\"}}")
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400);
        admin().body("{\"limits\":{\"models\":{\"m\":{\"models\":{}}}}}").patch("/admin/v1/tenants/" + tenant).then()
                .statusCode(400);
        admin().body("{}").patch("/admin/v1/tenants/" + tenant).then().statusCode(400);
        admin().body(Map.of("limits", Map.of("requestsPerMinute", 1))).patch("/admin/v1/keys/" + java.util.UUID.randomUUID())
                .then().statusCode(404);
    }
}
