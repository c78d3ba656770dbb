package io.tollgate.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tollgate.support.Gateway;
import io.tollgate.usage.Tokens;
import io.tollgate.usage.UsageEvent;
import io.tollgate.usage.UsageRecorder;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reports, audit rows and statements are exact sums of the raw rows, and one tenant never sees another's. */
@QuarkusTest
class UsageReportsTest {

    @Inject
    Gateway gateway;
    @Inject
    UsageRecorder recorder;

    static final String ODD_MODEL = "report-model-" + UUID.randomUUID();

    /** A tenant with a month of usage (March 2026) over two priced models and one without a price. */
    record Fixture(UUID tenant, UUID keyA, UUID keyB, List<String> requestIds) {
    }

    Fixture fixture() {
        UUID tenant = UUID.fromString(gateway.newTenant());
        UUID keyA = UUID.randomUUID();
        UUID keyB = UUID.randomUUID();
        ensureOddPrice();
        List<String> ids = new ArrayList<>();
        String[] models = { "claude-4-5-haiku", ODD_MODEL, "unpriced-" + UUID.randomUUID() };
        for (int i = 0; i < 9; i++) {
            String id = "req_" + UUID.randomUUID();
            ids.add(id);
            Instant at = Instant.parse("2026-03-01T00:00:00Z").plus(Duration.ofHours(31L * i + 7)).plusMillis(i);
            recorder.record(new UsageEvent(id, tenant, i % 2 == 0 ? keyA : keyB, "chat.completions", models[i % 3],
                    models[i % 3], "test", 200, Tokens.of(1_001L * (i + 1), 333L * (i + 7)), false, true, 5, 1, at))
                    .toCompletionStage().toCompletableFuture().join();
        }
        // the month's edges belong to the neighbouring months
        String before = "req_" + UUID.randomUUID();
        String after = "req_" + UUID.randomUUID();
        recorder.record(new UsageEvent(before, tenant, keyA, "chat.completions", ODD_MODEL, ODD_MODEL, "test", 200,
                Tokens.of(5, 5), false, true, 5, 1, Instant.parse("2026-02-28T23:59:59.999Z")));
        recorder.record(new UsageEvent(after, tenant, keyA, "chat.completions", ODD_MODEL, ODD_MODEL, "test", 200,
                Tokens.of(5, 5), false, true, 5, 1, Instant.parse("2026-04-01T00:00:00Z")));
        recorder.flushAll().await().atMost(Duration.ofSeconds(10));
        return new Fixture(tenant, keyA, keyB, ids);
    }

    static synchronized void ensureOddPrice() {
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("model", ODD_MODEL, "effectiveFrom", "2026-01-01T00:00:00Z", "inputPerMTokMicros", 777_777,
                        "outputPerMTokMicros", 3_333_333))
                .post("/admin/v1/prices");
    }

    long rawSum(String column, UUID tenant, String from, String to) {
        return gateway.pool.preparedQuery("select coalesce(sum(" + column + "), 0)::bigint from usage_event"
                + " where tenant_id = $1 and created_at >= $2 and created_at < $3")
                .execute(Tuple.of(tenant, java.time.OffsetDateTime.parse(from), java.time.OffsetDateTime.parse(to)))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    @Test
    void monthlyStatementSumsExactlyToItsRows() {
        Fixture f = fixture();
        JsonPath statement = given().header("Authorization", Gateway.admin())
                .get("/admin/v1/tenants/" + f.tenant() + "/statements/2026-03").then().statusCode(200).extract().jsonPath();
        String from = "2026-03-01T00:00:00Z";
        String to = "2026-04-01T00:00:00Z";
        long rawCost = rawSum("cost_micros", f.tenant(), from, to);
        assertTrue(rawCost > 0);
        assertEquals(rawCost, statement.getLong("total.costMicros"));
        assertEquals(9, statement.getLong("total.requests"));
        assertEquals(rawSum("total_tokens", f.tenant(), from, to), statement.getLong("total.totalTokens"));
        long lines = 0;
        for (Object c : statement.getList("lines.costMicros")) {
            lines += ((Number) c).longValue();
        }
        assertEquals(rawCost, lines);
        assertEquals(3, statement.getLong("total.unpricedRequests"));
        assertEquals(java.math.BigDecimal.valueOf(rawCost, 6).toPlainString(), statement.getString("totalUsd"));

        String csv = given().header("Authorization", Gateway.admin()).accept("text/csv")
                .get("/admin/v1/tenants/" + f.tenant() + "/statements/2026-03").then().statusCode(200)
                .header("Content-Disposition", "attachment; filename=\"statement-" + f.tenant() + "-2026-03.csv\"")
                .extract().asString();
        String[] rows = csv.split("\n");
        assertEquals(5, rows.length, csv); // header, three models, total
        String[] total = rows[4].split(",");
        assertEquals("total", total[0]);
        assertEquals(String.valueOf(rawCost), total[List.of(rows[0].split(",")).indexOf("cost_micros")]);

        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + f.tenant() + "/statements/2026-3")
                .then().statusCode(400).body("error.param", equalTo("month"));
    }

    @Test
    void reportsByDayMonthModelAndKeyEqualTheRawRowsInJsonAndCsv() {
        Fixture f = fixture();
        String base = "/admin/v1/tenants/" + f.tenant() + "/usage?from=2026-03-01&to=2026-04-01&groupBy=";
        long rawCost = rawSum("cost_micros", f.tenant(), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
        for (String groupBy : List.of("day", "month", "model", "key")) {
            JsonPath report = given().header("Authorization", Gateway.admin()).get(base + groupBy).then().statusCode(200)
                    .extract().jsonPath();
            long cost = 0;
            long requests = 0;
            for (Map<String, Object> row : report.<Map<String, Object>> getList("rows")) {
                cost += ((Number) row.get("costMicros")).longValue();
                requests += ((Number) row.get("requests")).longValue();
            }
            assertEquals(rawCost, cost, groupBy);
            assertEquals(9, requests, groupBy);
        }
        String csv = given().header("Authorization", Gateway.admin()).accept("text/csv").get(base + "key").then()
                .statusCode(200).header("Content-Disposition",
                        "attachment; filename=\"usage-" + f.tenant() + "-2026-03-01-to-2026-04-01-by-key.csv\"")
                .extract().asString();
        String[] lines = csv.split("\n");
        assertEquals(3, lines.length);
        long csvCost = 0;
        List<String> header = List.of(lines[0].split(","));
        assertEquals(List.of("key", "requests", "input_tokens", "cached_input_tokens", "output_tokens", "total_tokens",
                "images", "search_units", "cost_micros", "cost_usd", "unpriced_requests", "estimated_requests"), header);
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            assertEquals(header.size(), cells.length);
            assertTrue(List.of(f.keyA().toString(), f.keyB().toString()).contains(cells[0]));
            csvCost += Long.parseLong(cells[header.indexOf("cost_micros")]);
        }
        assertEquals(rawCost, csvCost);

        // a range that is not whole days is answered from the raw rows, with the same sums
        String from = "2026-03-02T05:00:00Z";
        String to = "2026-03-09T05:00:00Z";
        JsonPath partial = given().header("Authorization", Gateway.admin())
                .get("/admin/v1/tenants/" + f.tenant() + "/usage?groupBy=month&from=" + from + "&to=" + to).then()
                .statusCode(200).extract().jsonPath();
        assertEquals(rawSum("cost_micros", f.tenant(), from, to), partial.getLong("rows[0].costMicros"));
    }

    @Test
    void rawEventsArePagedWithTheirRequestIds() {
        Fixture f = fixture();
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> query = new HashMap<>(Map.of("from", "2026-03-01", "to", "2026-04-01", "limit", 4));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonPath page = given().header("Authorization", Gateway.admin()).queryParams(query)
                    .get("/admin/v1/tenants/" + f.tenant() + "/usage/events").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("data.requestId"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(f.requestIds(), seen, "every row once, oldest first");

        JsonPath one = given().header("Authorization", Gateway.admin())
                .queryParams(Map.of("requestId", f.requestIds().get(4), "from", "2026-03-01", "to", "2026-04-01"))
                .get("/admin/v1/tenants/" + f.tenant() + "/usage/events").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(f.requestIds().get(4)), one.getList("data.requestId"));
        assertEquals(200, one.getInt("data[0].status"));
        assertTrue(one.getLong("data[0].costMicros") > 0);
        assertNull(one.getString("nextCursor"));

        given().header("Authorization", Gateway.admin()).queryParam("cursor", "nonsense!")
                .get("/admin/v1/tenants/" + f.tenant() + "/usage/events").then().statusCode(400)
                .body("error.param", equalTo("cursor"));
    }

    @Test
    void oneTenantsReportsNeverShowAnothersRows() {
        Fixture a = fixture();
        Fixture b = fixture();
        JsonPath events = given().header("Authorization", Gateway.admin())
                .queryParams(Map.of("from", "2026-03-01", "to", "2026-04-01", "limit", 1000))
                .get("/admin/v1/tenants/" + a.tenant() + "/usage/events").then().statusCode(200).extract().jsonPath();
        assertEquals(a.requestIds(), events.getList("data.requestId"));
        // b's request id asked of a's events: nothing
        given().header("Authorization", Gateway.admin())
                .queryParams(Map.of("requestId", b.requestIds().get(0), "from", "2026-03-01", "to", "2026-04-01"))
                .get("/admin/v1/tenants/" + a.tenant() + "/usage/events").then().statusCode(200)
                .body("data.size()", equalTo(0));
        given().header("Authorization", Gateway.admin())
                .get("/admin/v1/tenants/" + a.tenant() + "/usage?from=2026-03-01&to=2026-04-01&groupBy=key").then()
                .statusCode(200).body("rows.group", equalTo(List.of(a.keyA().toString(), a.keyB().toString()).stream()
                        .sorted().toList()));

        // across tenants: each tenant's line is its own sum
        JsonPath all = given().header("Authorization", Gateway.admin())
                .get("/admin/v1/usage?from=2026-03-01&to=2026-04-01&groupBy=tenant").then().statusCode(200).extract()
                .jsonPath();
        for (Fixture f : List.of(a, b)) {
            long cost = all.getLong("rows.find { it.group == '" + f.tenant() + "' }.costMicros");
            assertEquals(rawSum("cost_micros", f.tenant(), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"), cost);
        }
        given().header("Authorization", Gateway.admin())
                .get("/admin/v1/usage?from=2026-03-01T12:30:00Z&to=2026-04-01&groupBy=tenant&format=csv").then()
                .statusCode(200).header("Content-Disposition",
                        "attachment; filename=\"usage-all-2026-03-01T12-30-00Z-to-2026-04-01-by-tenant.csv\"");
        given().header("Authorization", Gateway.admin()).get("/admin/v1/tenants/" + a.tenant() + "/usage?groupBy=tenant")
                .then().statusCode(400).body("error.param", equalTo("groupBy"));
    }
}
