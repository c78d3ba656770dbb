package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.support.Gateway;

@QuarkusTest
class HeaderHygieneTest {

    @Inject
    Gateway gateway;

    @BeforeEach
    void setUp() {
        gateway.reset();
    }

    @Test
    void upstreamNeverSeesTheTenantKeyNorHopByHopHeaders() {
        String key = gateway.newKeySecret();
        given().header("Authorization", "Bearer " + key)
                .header("Connection", "keep-alive, X-Secret-Hop")
                .header("X-Secret-Hop", "must not pass")
                .header("Proxy-Authorization", "Basic Zm9vOmJhcg==")
                .header("TE", "trailers")
                .header("Cookie", "session=abc")
                .header("X-Heroku-Prompt-Caching", "false")
                .header("anthropic-beta", "tools-2024")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        RecordedRequest upstream = gateway.simulator().requests("/v1/chat/completions").get(0);
        assertEquals("Bearer " + gateway.simulator().key(), upstream.header("authorization"));
        for (var header : upstream.headers().entrySet()) {
            assertFalse(header.getValue().contains(key), "tenant key leaked upstream in " + header.getKey());
        }
        assertNull(upstream.header("x-secret-hop"));
        assertNull(upstream.header("proxy-authorization"));
        assertNull(upstream.header("te"));
        assertNull(upstream.header("cookie"));
        assertNull(upstream.header("x-api-key"));
        assertEquals("false", upstream.header("x-heroku-prompt-caching"));
        assertEquals("tools-2024", upstream.header("anthropic-beta"));
    }

    @Test
    void anthropicCallsNeverForwardTheTenantsXApiKey() {
        String key = gateway.newKeySecret();
        given().header("x-api-key", key).contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages").then().statusCode(200);
        RecordedRequest upstream = gateway.simulator().requests("/v1/messages").get(0);
        assertEquals(gateway.simulator().key(), upstream.header("x-api-key"));
        assertNull(upstream.header("authorization"));
    }

    @Test
    void clientNeverSeesTheUpstreamKey() {
        String key = gateway.newKeySecret();
        String upstreamKey = gateway.simulator().key();
        for (String path : new String[] { "/v1/chat/completions", "/v1/embeddings" }) {
            String body = path.endsWith("embeddings")
                    ? "{\"model\":\"cohere-embed-multilingual\",\"input\":\"x\"}"
                    : "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(body)
                    .post(path);
            response.getHeaders().forEach(h -> assertFalse(h.getValue().contains(upstreamKey), h.getName()));
            assertFalse(response.asString().contains(upstreamKey));
        }
        // an upstream 401 (bad key upstream) must not echo it either
        gateway.simulator().enqueue(io.tollgate.simulator.Fault.status(401));
        Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertEquals(401, response.statusCode());
        assertFalse(response.asString().contains(upstreamKey));
    }
}
