package io.tollgate.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tollgate.simulator.HerokuSimulator;
import io.tollgate.upstream.SimulatorUpstream;
import io.tollgate.upstream.UpstreamClient;
import io.tollgate.usage.UsageRecorder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** What the integration tests do again and again: make tenants and keys through the admin API, read usage rows. */
@Singleton
public class Gateway {

    public static final String ADMIN_TOKEN = "test-admin-token";

    @Inject
    public Pool pool;
    @Inject
    UsageRecorder recorder;
    @Inject
    SimulatorUpstream simulatorUpstream;

    @Inject
    UpstreamClient upstreams;

    /** A clean slate: the simulator's records and faults, and every circuit breaker closed. */
    public void reset() {
        simulator().reset();
        upstreams.resetBreakers();
    }

    public UpstreamClient upstreams() {
        return upstreams;
    }

    public HerokuSimulator simulator() {
        return simulatorUpstream.simulator().orElseThrow();
    }

    public static String admin() {
        return "Bearer " + ADMIN_TOKEN;
    }

    /** A new tenant with a unique name; returns its id. */
    public String newTenant() {
        return given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "t-" + UUID.randomUUID()))
                .post("/admin/v1/tenants").then().statusCode(201).extract().path("id");
    }

    /** A new key of the tenant; returns the admin API's answer (id, key, prefix...). */
    public Response newKey(String tenantId, Map<String, Object> body) {
        return given().header("Authorization", admin()).contentType(ContentType.JSON).body(body)
                .post("/admin/v1/tenants/" + tenantId + "/keys").then().statusCode(201).extract().response();
    }

    /** A fresh tenant's fresh key that may use every model. */
    /** A key of a new tenant: its id (usage rows, admin calls) and its secret (requests). */
    public record TestKey(String id, String secret) {
    }

    public TestKey newTestKey() {
        Response created = newKey(newTenant(), Map.of("name", "test"));
        return new TestKey(created.path("id"), created.path("key"));
    }

    public String newKeySecret() {
        return newKey(newTenant(), Map.of("name", "test")).path("key");
    }

    /** The usage row of a request id, waiting (with a deadline) for the batch writer. */
    public Row usageRow(String requestId) {
        Row[] found = new Row[1];
        await("usage row " + requestId, () -> {
            try {
                recorder.flushAll().await().atMost(Duration.ofSeconds(5));
            } catch (IllegalStateException e) {
                // the spool holds rows a replay running beside this one has not finished with: not yet, poll again
                return false;
            }
            var rows = pool.preparedQuery("select * from usage_event where request_id = $1")
                    .execute(Tuple.of(requestId)).await().atMost(Duration.ofSeconds(5));
            if (rows.size() == 1) {
                found[0] = rows.iterator().next();
                return true;
            }
            return false;
        });
        return found[0];
    }

    public List<Row> usageRowsOfKey(String keyId) {
        recorder.flushAll().await().atMost(Duration.ofSeconds(5));
        var rows = pool.preparedQuery("select * from usage_event where key_id = $1 order by created_at")
                .execute(Tuple.of(UUID.fromString(keyId))).await().atMost(Duration.ofSeconds(5));
        List<Row> list = new java.util.ArrayList<>();
        rows.forEach(list::add);
        return list;
    }

    /** The first column of the first row of a query, as a number. */
    public long single(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(5)).iterator()
                .next().getLong(0);
    }

    /** A short chat completion with the key, answered 200; returns its x-request-id (the key of its usage row). */
    public String chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id");
    }

    public void sql(String sql, Object... params) {
        pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(5));
    }

    /** Polls until the condition holds, failing after 10 seconds. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
