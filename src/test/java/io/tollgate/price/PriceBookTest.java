package io.tollgate.price;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.tollgate.usage.Tokens;
import io.tollgate.usage.UsageEvent;
import io.tollgate.usage.UsageRecorder;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class PriceBookTest {

    @Inject
    Gateway gateway;
    @Inject
    UsageRecorder recorder;

    static long addPrice(String model, String effectiveFrom, long in, long out) {
        Map<String, Object> body = new HashMap<>();
        body.put("model", model);
        body.put("effectiveFrom", effectiveFrom);
        body.put("inputPerMTokMicros", in);
        body.put("outputPerMTokMicros", out);
        return ((Number) given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON).body(body)
                .post("/admin/v1/prices").then().statusCode(201).extract().path("id")).longValue();
    }

    Row recordAt(String model, Instant at, long in, long out) {
        String id = "req_" + UUID.randomUUID();
        recorder.record(new UsageEvent(id, UUID.randomUUID(), UUID.randomUUID(), "chat.completions", model, model, "test",
                200, Tokens.of(in, out), false, true, 5, 1, at)).toCompletionStage().toCompletableFuture().join();
        return gateway.usageRow(id);
    }

    static long expectedMicros(long in, long inPrice, long out, long outPrice) {
        return BigDecimal.valueOf(in).multiply(BigDecimal.valueOf(inPrice))
                .add(BigDecimal.valueOf(out).multiply(BigDecimal.valueOf(outPrice)))
                .divide(BigDecimal.valueOf(1_000_000), 0, RoundingMode.HALF_UP).longValueExact();
    }

    @Test
    void costIsExactToTheMicroDollarAndNamesItsPriceVersion() {
        String model = "test-" + UUID.randomUUID();
        long version = addPrice(model, "2026-01-01T00:00:00Z", 1_234_567, 7_654_321);
        Row row = recordAt(model, Instant.parse("2026-03-01T12:00:00Z"), 987_654, 123_457);
        // 987654 * 1.234567 + 123457 * 7.654321 micro-dollars = 2164304.543515 -> 2164305
        assertEquals(expectedMicros(987_654, 1_234_567, 123_457, 7_654_321), row.getLong("cost_micros"));
        assertEquals(2_164_305L, row.getLong("cost_micros"));
        assertEquals(version, row.getLong("price_id"));
        assertFalse(row.getBoolean("unpriced"));
    }

    @Test
    void cachedInputReportedByTheUpstreamIsRecordedAndPricedAtTheCachedPrice() throws Exception {
        // seed price of claude-4-5-haiku: input 1,000,000, cached input 100,000, output 5,000,000 micro-dollars/Mtok
        String key = gateway.newKeySecret();
        String prompt = "word ".repeat(2_000);
        String chat = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}]%s}";
        String messages = "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + prompt + "\"}]%s}";
        Map<String, String> cached = Map.of("x-sim-cached-tokens", "1500");
        List<String> requestIds = List.of(
                given().header("Authorization", "Bearer " + key).headers(cached).contentType(ContentType.JSON)
                        .body(chat.formatted("")).post("/v1/chat/completions").then().statusCode(200).extract()
                        .header("x-request-id"),
                Sse.post("/v1/chat/completions", key, chat.formatted(",\"stream\":true"), cached).requestId(),
                Sse.post("/v1/messages", key, messages.formatted(",\"stream\":true"), cached).requestId(),
                given().header("x-api-key", key).header("anthropic-version", "2023-06-01").headers(cached)
                        .contentType(ContentType.JSON).body(messages.formatted("")).post("/v1/messages").then()
                        .statusCode(200).extract().header("x-request-id"));
        for (String requestId : requestIds) {
            Row row = gateway.usageRow(requestId);
            long in = row.getLong("input_tokens");
            long out = row.getLong("output_tokens");
            assertTrue(in > 1_500, requestId + ": every input token counts, cached ones too: " + in);
            assertEquals(1_500, row.getLong("cached_input_tokens"), requestId);
            long expected = BigDecimal.valueOf((in - 1_500) * 1_000_000L + 1_500 * 100_000L + out * 5_000_000L)
                    .divide(BigDecimal.valueOf(1_000_000), 0, RoundingMode.HALF_UP).longValueExact();
            assertEquals(expected, row.getLong("cost_micros"), requestId);
        }
    }

    @Test
    void priceVersionsApplyFromTheirEffectiveDateOnly() {
        String model = "test-" + UUID.randomUUID();
        long january = addPrice(model, "2026-01-01T00:00:00Z", 1_000_000, 2_000_000);
        long june = addPrice(model, "2026-06-01T00:00:00Z", 3_000_000, 4_000_000);

        Row before = recordAt(model, Instant.parse("2025-12-31T23:59:59Z"), 100, 10);
        Row lastOfMay = recordAt(model, Instant.parse("2026-05-31T23:59:59.999Z"), 100, 10);
        Row firstOfJune = recordAt(model, Instant.parse("2026-06-01T00:00:00Z"), 100, 10);

        assertNull(before.getLong("price_id"), "no price in force: recorded with its tokens, flagged");
        assertTrue(before.getBoolean("unpriced"));
        assertEquals(110, before.getLong("total_tokens"));
        assertEquals(0, before.getLong("cost_micros"));
        assertEquals(january, lastOfMay.getLong("price_id"));
        assertEquals(120, lastOfMay.getLong("cost_micros"));
        assertEquals(june, firstOfJune.getLong("price_id"));
        assertEquals(340, firstOfJune.getLong("cost_micros"));

        // a version added later does not reprice rows already written: an old bill stays reproducible
        addPrice(model, "2025-01-01T00:00:00Z", 9_000_000, 9_000_000);
        Row again = gateway.usageRow(lastOfMay.getString("request_id"));
        assertEquals(120, again.getLong("cost_micros"));
    }

    @Test
    void requestThroughTheGatewayIsPricedFromTheSeededPriceBook() {
        String key = gateway.newKeySecret();
        String requestId = gateway.chat(key);
        Row row = gateway.usageRow(requestId);
        // seeded: $1 per million input tokens, $5 per million output tokens = 1 and 5 micro-dollars a token
        assertEquals(row.getLong("input_tokens") + 5 * row.getLong("output_tokens"), row.getLong("cost_micros"));
        assertFalse(row.getBoolean("unpriced"));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/prices?model=claude-4-5-haiku").then()
                .statusCode(200).body("[0].id", equalTo(row.getLong("price_id").intValue()));
    }

    @Test
    void priceVersionsAreValidatedAndNeverOverwritten() {
        String model = "test-" + UUID.randomUUID();
        addPrice(model, "2026-01-01T00:00:00Z", 1, 1);
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("model", model, "effectiveFrom", "2026-01-01T00:00:00Z", "inputPerMTokMicros", 2))
                .post("/admin/v1/prices").then().statusCode(409).body("error.code", equalTo("price_version_exists"));
        given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("model", model, "outputPerMTokMicros", -1))
                .post("/admin/v1/prices").then().statusCode(400).body("error.param", equalTo("outputPerMTokMicros"));
        given().header("Authorization", Gateway.admin()).get("/admin/v1/prices?model=" + model).then().statusCode(200)
                .body("size()", equalTo(1));
    }

}
