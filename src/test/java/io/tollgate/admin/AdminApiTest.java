package io.tollgate.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tollgate.support.Gateway;

@QuarkusTest
class AdminApiTest {

    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    @Inject
    Gateway gateway;

    @Test
    void requiresTheAdminToken() {
        given().get("/admin/v1/tenants").then().statusCode(401).body("error.type", equalTo("authentication_error"));
        given().header("Authorization", "Bearer wrong-token-of-some-length").get("/admin/v1/tenants").then()
                .statusCode(401);
        // a tenant key is not an admin token
        given().header("Authorization", "Bearer " + gateway.newKeySecret()).get("/admin/v1/tenants").then()
                .statusCode(401);
    }

    @Test
    void aBrowserReadsWithBasicAuthenticationAndTheTokenAsItsPassword() {
        String tenant = gateway.newTenant();
        // what a browser does: asked for credentials by the challenge, it sends them as Basic
        List<String> challenges = given().get("/admin/v1/tenants/" + tenant + "/usage").then().statusCode(401)
                .extract().headers().getValues("WWW-Authenticate");
        assertEquals(List.of("Bearer realm=\"tollgate admin\"", "Basic realm=\"tollgate admin\", charset=\"UTF-8\""),
                challenges);

        given().auth().preemptive().basic("admin", Gateway.ADMIN_TOKEN).get("/admin/v1/tenants/" + tenant).then()
                .statusCode(200).body("id", equalTo(tenant));
        given().auth().preemptive().basic("", Gateway.ADMIN_TOKEN).get("/admin/v1/tenants/" + tenant + "/usage?format=csv")
                .then().statusCode(200).contentType(startsWith("text/csv"));
        assertEquals(challenges, given().auth().preemptive().basic("admin", "wrong-token-of-some-length")
                .get("/admin/v1/tenants").then().statusCode(401).extract().headers().getValues("WWW-Authenticate"),
                "asked again");
        given().header("Authorization", "Basic not-base64!").get("/admin/v1/tenants").then().statusCode(401);
        given().header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                Gateway.ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8))).get("/admin/v1/tenants").then()
                .statusCode(401);
    }

    @Test
    void basicAuthenticationChangesNothingForABrowserSendsItToAnySitesFormToo() {
        String name = "by-basic-" + UUID.randomUUID();
        List<String> challenges = given().auth().preemptive().basic("admin", Gateway.ADMIN_TOKEN)
                .contentType(ContentType.JSON).body(Map.of("name", name)).post("/admin/v1/tenants").then()
                .statusCode(401).body("error.message", containsString("Bearer")).extract().headers()
                .getValues("WWW-Authenticate");
        assertEquals(List.of("Bearer realm=\"tollgate admin\""), challenges, "no Basic challenge: no browser prompt");
        given().auth().preemptive().basic("admin", Gateway.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", name)).patch("/admin/v1/tenants/" + gateway.newTenant()).then().statusCode(401);

        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants").then().statusCode(200)
                .body("name", not(hasItem(name)));
    }

    @Test
    void createsReadsRenamesAndDisablesTenants() {
        String name = "acme-" + UUID.randomUUID();
        String id = given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", name)).post("/admin/v1/tenants").then().statusCode(201)
                .body("name", equalTo(name)).body("status", equalTo("active")).extract().path("id");
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants").then().statusCode(200)
                .body("id", hasItem(id));
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body(Map.of("name", name + "-2"))
                .patch("/admin/v1/tenants/" + id).then().statusCode(200).body("name", equalTo(name + "-2"));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + id).then().statusCode(200)
                .body("name", equalTo(name + "-2"));
        given().header("Authorization", Gateway.admin()).delete("/admin/v1/tenants/" + id).then().statusCode(200)
                .body("status", equalTo("disabled"));
    }

    @Test
    void validationErrorsNameTheField() {
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body(Map.of("name", " "))
                .post("/admin/v1/tenants").then().statusCode(400).body("error.param", equalTo("name"))
                .body("error.message", containsString("'name'"));
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body("{\"name\": 42}")
                .post("/admin/v1/tenants").then().statusCode(400);
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body("{not json")
                .post("/admin/v1/tenants").then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        String tenant = gateway.newTenant();
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "k", "expiresAt", "2001-01-01T00:00:00Z"))
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400)
                .body("error.param", equalTo("expiresAt"));
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "k", "models", List.of()))
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400)
                .body("error.param", equalTo("models"));
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "k", "expiresAt", "next tuesday"))
                .post("/admin/v1/tenants/" + tenant + "/keys").then().statusCode(400)
                .body("error.param", equalTo("expiresAt"));
    }

    @Test
    void unknownIdsAre404AndDuplicatesAre409() {
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + UUID.randomUUID()).then()
                .statusCode(404).body("error.code", equalTo("tenant_not_found"));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/not-a-uuid").then().statusCode(404);
        given().header("Authorization", Gateway.admin()).post("/admin/v1/keys/" + UUID.randomUUID() + "/revoke").then()
                .statusCode(404).body("error.code", equalTo("key_not_found"));
        String name = "dup-" + UUID.randomUUID();
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/admin/v1/tenants").then().statusCode(201);
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/admin/v1/tenants").then().statusCode(409).body("error.code", equalTo("tenant_exists"));
    }

    @Test
    void usageReportGroupsByModelKeyAndDayInJsonAndCsv() {
        String tenant = gateway.newTenant();
        Response k1 = gateway.newKey(tenant, Map.of("name", "one"));
        Response k2 = gateway.newKey(tenant, Map.of("name", "two"));
        String[] ids = new String[3];
        ids[0] = chat(k1.path("key"), "claude-4-5-haiku");
        ids[1] = chat(k1.path("key"), "claude-4-5-sonnet");
        ids[2] = chat(k2.path("key"), "claude-4-5-haiku");
        long haikuTokens = 0;
        for (String id : new String[] { ids[0], ids[2] }) {
            haikuTokens += gateway.usageRow(id).getLong("total_tokens");
        }
        gateway.usageRow(ids[1]);

        Response byModel = given().header("Authorization", Gateway.admin())
                .get("/admin/v1/tenants/" + tenant + "/usage?groupBy=model");
        byModel.then().statusCode(200).body("groupBy", equalTo("model"))
                .body("rows.group", equalTo(List.of("claude-4-5-haiku", "claude-4-5-sonnet")))
                .body("rows[0].requests", equalTo(2));
        assertEquals(haikuTokens, ((Number) byModel.path("rows[0].totalTokens")).longValue());

        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + tenant + "/usage?groupBy=key")
                .then().statusCode(200).body("rows.size()", equalTo(2));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + tenant + "/usage").then()
                .statusCode(200).body("groupBy", equalTo("day")).body("rows[0].requests", equalTo(3));

        String csv = given().header("Authorization", Gateway.admin()).accept("text/csv")
                .get("/admin/v1/tenants/" + tenant + "/usage?groupBy=model").then().statusCode(200)
                .contentType(startsWith("text/csv")).extract().asString();
        String[] lines = csv.split("\n");
        assertEquals("model,requests,input_tokens,cached_input_tokens,output_tokens,total_tokens,images,search_units,"
                + "cost_micros,cost_usd,unpriced_requests,estimated_requests", lines[0]);
        assertEquals(3, lines.length);
        String[] haiku = lines[1].split(",");
        assertEquals("claude-4-5-haiku", haiku[0]);
        assertEquals("2", haiku[1]);
        assertEquals(String.valueOf(haikuTokens), haiku[5]);
    }

    @Test
    void usageReportRejectsBadParameters() {
        String tenant = gateway.newTenant();
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + tenant + "/usage?groupBy=week")
                .then().statusCode(400).body("error.param", equalTo("groupBy"));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + tenant + "/usage?from=yesterday")
                .then().statusCode(400).body("error.param", equalTo("from"));
        given().header("Authorization", Gateway.admin())
                .get("/admin/v1/tenants/" + tenant + "/usage?from=2026-02-01&to=2026-01-01")
                .then().statusCode(400).body("error.param", equalTo("to"));
    }

    @Test
    void oneTenantNeverSeesAnothersUsage() {
        String a = gateway.newTenant();
        String b = gateway.newTenant();
        String id = chat(gateway.newKey(a, Map.of("name", "a")).path("key"), "claude-4-5-haiku");
        gateway.usageRow(id);
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + b + "/usage").then()
                .statusCode(200).body("rows.size()", equalTo(0));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + b + "/keys").then()
                .statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void servesTheOpenApiDocument() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/v1/tenants"));
    }

    private static String chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(CHAT.formatted(model))
                .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id");
    }
}
