package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/**
 * {@code tollgate.usage.mode=reserved}: a reservation is committed while the upstream works, the exact row replaces
 * it after the answer, and a reservation nothing replaced (its replica died) is booked as an estimate, once, whatever
 * comes after it.
 */
@QuarkusTest
@TestProfile(ReservedUsageTest.Reserved.class)
class ReservedUsageTest {

    public static class Reserved implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the sweep is called by the tests, not by the timer
            return Map.of("tollgate.usage.mode", "reserved", "tollgate.usage.reservation-sweep-interval", "1h");
        }
    }

    static final String PATH = "/v1/chat/completions";
    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"max_tokens\":50%s,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, how are you?\"}]}";

    @Inject
    Gateway gateway;
    @Inject
    UsageRecorder recorder;
    @Inject
    ObjectMapper mapper;
    @Inject
    UsageConfig config;

    Gateway.TestKey key;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newTestKey();
    }

    long reservations(String requestId) {
        return gateway.single("select count(*) from usage_reservation where request_id = $1", requestId);
    }

    @Test
    void theReservationIsCommittedWhileTheUpstreamWorksAndTheExactRowReplacesIt() throws Exception {
        CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient().sendAsync(
                Sse.request(PATH, key.secret(), CHAT.formatted(""), Map.of("x-sim-latency-ms", "1500")).build(),
                HttpResponse.BodyHandlers.ofString());
        UUID keyId = UUID.fromString(key.id());
        Gateway.await("the reservation", () -> gateway.single(
                "select count(*) from usage_reservation where key_id = $1", keyId) == 1);
        assertFalse(answer.isDone(), "reserved before the upstream answered");
        Row reservation = gateway.pool.preparedQuery("select * from usage_reservation where key_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(keyId)).await().atMost(Duration.ofSeconds(5)).iterator()
                .next();
        assertEquals(50, reservation.getLong("output_tokens"), "the request's max_tokens");
        assertTrue(reservation.getLong("input_tokens") > 0, "the prompt's estimate");
        assertEquals("claude-4-5-haiku", reservation.getString("upstream_model"));

        HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertEquals(requestId, reservation.getString("request_id"));
        Row row = gateway.usageRow(requestId);
        assertFalse(row.getBoolean("estimated"));
        assertEquals(200, row.getInteger("status"));
        assertTrue(row.getLong("output_tokens") > 0 && row.getLong("output_tokens") != 50, "the upstream's own count");
        assertEquals(reservation.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("created_at").toInstant(), "the row keeps its reservation's time");
        assertEquals(0, reservations(requestId), "replaced in the statement that wrote the row");
    }

    @Test
    void aStreamEndsAfterItsReservationAndItsRowCountsTheStream() throws Exception {
        var stream = Sse.post(PATH, key.secret(), CHAT.formatted(",\"stream\":true"),
                Map.of("x-sim-reply-tokens", "7"));
        assertEquals(200, stream.status());
        assertEquals("[DONE]", stream.events().get(stream.events().size() - 1).data());
        Row row = gateway.usageRow(stream.requestId());
        assertEquals(7, row.getLong("output_tokens"));
        assertTrue(row.getBoolean("streamed"));
        assertFalse(row.getBoolean("estimated"));
        assertEquals(0, reservations(stream.requestId()));
    }

    @Test
    void aReservationNothingReplacedIsBookedAsAnEstimateOnceAndALateRowDoesNotCountAgain() {
        UUID tenant = UUID.fromString(gateway.newTenant());
        String requestId = "req_" + UUID.randomUUID();
        // as a replica that was killed mid-request leaves it, two hours ago (the timeout is one hour)
        Instant at = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        UsageEvent reservation = new UsageEvent(requestId, tenant, UUID.randomUUID(), "chat.completions",
                "claude-4-5-haiku", "claude-4-5-haiku", "simulator", 0, Tokens.of(1000, 200), false, false, 0, 1, at,
                UsageEvent.Kind.RESERVATION);
        recorder.reserve(reservation).toCompletionStage().toCompletableFuture().join();
        assertEquals(1, reservations(requestId));
        // a reservation younger than the timeout is left alone
        String young = "req_" + UUID.randomUUID();
        recorder.reserve(new UsageEvent(young, tenant, UUID.randomUUID(), "chat.completions", "claude-4-5-haiku",
                "claude-4-5-haiku", "simulator", 0, Tokens.of(1, 1), false, false, 0, 1, Instant.now(),
                UsageEvent.Kind.RESERVATION)).toCompletionStage().toCompletableFuture().join();

        recorder.sweepReservations().await().atMost(Duration.ofSeconds(10));
        recorder.sweepReservations().await().atMost(Duration.ofSeconds(10));

        Row row = gateway.usageRow(requestId);
        assertTrue(row.getBoolean("estimated"));
        assertEquals(1000, row.getLong("input_tokens"));
        assertEquals(200, row.getLong("output_tokens"));
        assertEquals(0, row.getInteger("status"), "no answer is known");
        assertFalse(row.getBoolean("completed"));
        // priced like any row: 1000 input at 1 $/Mtok and 200 output at 5 $/Mtok
        assertEquals(2000, row.getLong("cost_micros"));
        assertEquals(0, reservations(requestId));
        assertEquals(1, reservations(young));
        assertEquals(1, gateway.single("select sum(estimated_requests)::bigint from usage_daily where tenant_id = $1",
                tenant));
        // what an admin sees: the row marked, and the report's count of estimates
        String day = at.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        String nextDay = at.atZone(java.time.ZoneOffset.UTC).toLocalDate().plusDays(1).toString();
        io.restassured.path.json.JsonPath events = io.restassured.RestAssured.given()
                .header("Authorization", Gateway.admin()).queryParams(Map.of("from", day, "to", nextDay))
                .get("/admin/v1/tenants/" + tenant + "/usage/events").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(requestId), events.getList("data.requestId"));
        assertTrue(events.getBoolean("data[0].estimated"));
        io.restassured.path.json.JsonPath report = io.restassured.RestAssured.given()
                .header("Authorization", Gateway.admin()).queryParams(Map.of("from", day, "to", nextDay))
                .get("/admin/v1/tenants/" + tenant + "/usage").then().statusCode(200).extract().jsonPath();
        assertEquals(1, report.getLong("rows[0].estimatedRequests"));
        assertEquals(1, report.getLong("rows[0].requests"));

        // the exact row comes after all (a spool replayed late): the estimate stays, counted once
        recorder.record(new UsageEvent(requestId, tenant, reservation.keyId(), "chat.completions", "claude-4-5-haiku",
                "claude-4-5-haiku", "simulator", 200, Tokens.of(10, 20), false, true, 50, 1, at))
                .toCompletionStage().toCompletableFuture().join();
        recorder.flushAll().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, gateway.single("select count(*) from usage_event where tenant_id = $1", tenant));
        assertEquals(1, gateway.single("select sum(requests)::bigint from usage_daily where tenant_id = $1", tenant));
        assertEquals(1200, gateway.single("select sum(total_tokens)::bigint from usage_daily where tenant_id = $1",
                tenant));
    }

    @Test
    void aSpoolReplayingAReservationAfterItsRowLeavesNoReservationBehind() throws Exception {
        UUID tenant = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UsageEvent done = new UsageEvent("req_" + UUID.randomUUID(), tenant, UUID.randomUUID(), "chat.completions",
                "claude-4-5-haiku", "claude-4-5-haiku", "simulator", 200, Tokens.of(3, 4), false, true, 50, 1, at);
        UsageEvent both = new UsageEvent("req_" + UUID.randomUUID(), tenant, UUID.randomUUID(), "chat.completions",
                "claude-4-5-haiku", "claude-4-5-haiku", "simulator", 200, Tokens.of(5, 6), false, true, 50, 1, at);
        recorder.record(done).toCompletionStage().toCompletableFuture().join();
        recorder.flushAll().await().atMost(Duration.ofSeconds(10));

        // segments as a PostgreSQL outage leaves them: the first row's reservation after its row, already in
        // PostgreSQL; the second request's reservation and row together (one batch when replayed); and a row written
        // before rows had a kind
        com.fasterxml.jackson.databind.node.ObjectNode old = mapper.valueToTree(new UsageEvent("req_" + UUID.randomUUID(),
                tenant, UUID.randomUUID(), "chat.completions", "claude-4-5-haiku", "claude-4-5-haiku", "simulator", 200,
                Tokens.of(7, 8), false, true, 50, 1, at));
        old.remove("kind");
        String oldLine = mapper.writeValueAsString(old);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(oldLine.getBytes(StandardCharsets.UTF_8));
        Path segment = Path.of(config.spoolDir()).resolve("usage-0000000000003-000000" + UsageSpool.SUFFIX);
        Files.writeString(segment, UsageSpool.line(mapper, reservationOf(done)) + UsageSpool.line(mapper, reservationOf(both))
                + UsageSpool.line(mapper, both) + Long.toHexString(crc.getValue()) + ' ' + oldLine + '\n',
                StandardCharsets.UTF_8);
        recorder.replayNow().await().atMost(Duration.ofSeconds(10));

        assertEquals(0, reservations(done.requestId()));
        assertEquals(0, reservations(both.requestId()));
        assertEquals(3, gateway.single("select count(*) from usage_event where tenant_id = $1 and not estimated",
                tenant));
        assertEquals(33, gateway.single("select sum(total_tokens)::bigint from usage_daily where tenant_id = $1",
                tenant));
    }

    static UsageEvent reservationOf(UsageEvent row) {
        return new UsageEvent(row.requestId(), row.tenantId(), row.keyId(), row.endpoint(), row.requestedModel(),
                row.upstreamModel(), row.upstream(), 0, Tokens.of(100, 100), row.streamed(), false, 0, 1,
                row.createdAt(), UsageEvent.Kind.RESERVATION);
    }
}
