package io.tollgate.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.tollgate.support.Gateway;
import io.tollgate.support.MutableClock;

@QuarkusTest
class KeyLifecycleTest {

    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @Inject
    Gateway gateway;
    @Inject
    MutableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

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

    @Test
    void issuedKeyWorksAndIsNeverShownAgain() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String secret = created.path("key");
        assertEquals(secret.substring(0, 11), created.path("prefix"));
        chat(secret).statusCode(200);
        admin("GET", "/admin/v1/tenants/" + tenant + "/keys", null).then().statusCode(200)
                .body("[0].key", nullValue())
                .body("[0].prefix", equalTo(created.path("prefix")))
                .body("[0].status", equalTo("active"));
        admin("GET", "/admin/v1/keys/" + created.path("id"), null).then().statusCode(200)
                .body("key", nullValue()).body("tenantId", equalTo(tenant)).body("name", equalTo("ci"))
                .body("prefix", equalTo(created.path("prefix"))).body("status", equalTo("active"));
        admin("GET", "/admin/v1/keys/" + UUID.randomUUID(), null).then().statusCode(404)
                .body("error.code", equalTo("key_not_found"));
    }

    @Test
    void keysAreStoredOnlyAsHashes() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String secret = created.path("key");
        var rows = gateway.pool.preparedQuery("select s.hash from api_key_secret s where s.key_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(created.path("id"))))
                .await().indefinitely();
        assertEquals(1, rows.size());
        byte[] stored = rows.iterator().next().getBuffer("hash").getBytes();
        assertEquals(32, stored.length, "an HMAC-SHA-256");
        assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret.substring(3, 20)));
    }

    @Test
    void rejectsRevokedKeyAtOnce() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String secret = created.path("key");
        chat(secret).statusCode(200); // now cached
        admin("POST", "/admin/v1/keys/" + created.path("id") + "/revoke", null).then().statusCode(200)
                .body("status", equalTo("revoked"));
        chat(secret).statusCode(401).body("error.type", equalTo("authentication_error"))
                .body("error.message", equalTo("API key revoked"));
        admin("GET", "/admin/v1/keys/" + created.path("id"), null).then().statusCode(200)
                .body("status", equalTo("revoked")).body("revokedAt", notNullValue());
    }

    @Test
    void revocationByAnotherReplicaReachesThisOneThroughNotify() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String secret = created.path("key");
        chat(secret).statusCode(200); // cached here
        // what another replica's revoke does: the row changes and a notification is sent; no local event fires here
        gateway.sql("update api_key set revoked_at = now() where id = $1", UUID.fromString(created.path("id")));
        gateway.sql("select pg_notify('tollgate_key_changes', $1)", "key:" + created.path("id"));
        Gateway.await("revocation to arrive", () -> given().header("Authorization", "Bearer " + secret)
                .contentType(ContentType.JSON).body(CHAT).post("/v1/chat/completions").statusCode() == 401);
    }

    @Test
    void rotationWithGraceKeepsTheOldSecretUntilTheGraceEnds() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String old = created.path("key");
        chat(old).statusCode(200);
        Response rotated = admin("POST", "/admin/v1/keys/" + created.path("id") + "/rotate",
                Map.of("gracePeriodSeconds", 3600));
        rotated.then().statusCode(200).body("key", not(equalTo(old)));
        String fresh = rotated.path("key");
        chat(fresh).statusCode(200);
        chat(old).statusCode(200);
        clock.advance(Duration.ofSeconds(3601));
        chat(old).statusCode(401).body("error.message", equalTo("API key expired"));
        chat(fresh).statusCode(200);
    }

    @Test
    void rotationWithoutGraceStopsTheOldSecretAtOnce() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String old = created.path("key");
        chat(old).statusCode(200);
        String fresh = admin("POST", "/admin/v1/keys/" + created.path("id") + "/rotate", null).path("key");
        chat(old).statusCode(401);
        chat(fresh).statusCode(200);
    }

    @Test
    void rejectsExpiredKey() {
        String tenant = gateway.newTenant();
        String expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).toString();
        String secret = gateway.newKey(tenant, Map.of("name", "short-lived", "expiresAt", expiresAt)).path("key");
        chat(secret).statusCode(200);
        clock.advance(Duration.ofMinutes(61));
        chat(secret).statusCode(401).body("error.message", equalTo("API key expired"));
    }

    @Test
    void disablingTheTenantStopsItsKeysAndKeepsItsUsage() {
        String tenant = gateway.newTenant();
        Response created = gateway.newKey(tenant, Map.of("name", "ci"));
        String secret = created.path("key");
        chat(secret).statusCode(200);
        admin("DELETE", "/admin/v1/tenants/" + tenant, null).then().statusCode(200).body("status", equalTo("disabled"));
        chat(secret).statusCode(401);
        assertEquals(1, gateway.usageRowsOfKey(created.path("id")).size());
        admin("POST", "/admin/v1/tenants/" + tenant + "/keys", Map.of("name", "more")).then().statusCode(409);
    }

    @Test
    void acceptsTheKeyInXApiKeyAsTheAnthropicSdkSendsIt() {
        String secret = gateway.newKeySecret();
        given().header("x-api-key", secret).contentType(ContentType.JSON).body(CHAT).post("/v1/chat/completions")
                .then().statusCode(200);
    }

    @Test
    void scopedKeyMayUseOnlyItsModelsAndTheirAliases() {
        String tenant = gateway.newTenant();
        String secret = gateway.newKey(tenant, Map.of("name", "haiku only", "models", java.util.List.of("claude-4-5-haiku")))
                .path("key");
        chat(secret).statusCode(200);
        given().header("Authorization", "Bearer " + secret).contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(403)
                .body("error.code", equalTo("model_not_allowed"));
        // gpt-3.5-turbo is an alias of claude-4-5-haiku
        given().header("Authorization", "Bearer " + secret).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-3.5-turbo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer " + secret).get("/v1/models").then().statusCode(200)
                .body("data.id", equalTo(java.util.List.of("claude-4-5-haiku", "gpt-3.5-turbo")));
    }
}
