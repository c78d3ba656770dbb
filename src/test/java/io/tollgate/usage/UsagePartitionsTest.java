package io.tollgate.usage;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tollgate.support.Gateway;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The raw rows live in monthly partitions; a row of a month that has none yet waits in the default partition and
 * moves when the maintenance creates it; the retention (24 months in tests) drops whole old months and the daily
 * rollup, hence the reports over whole days, stays as it was.
 */
@QuarkusTest
class UsagePartitionsTest {

    static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy_MM");

    @Inject
    UsageRecorder recorder;
    @Inject
    UsagePartitions partitions;
    @Inject
    Gateway gateway;

    String partitionOf(String requestId) {
        return gateway.pool.preparedQuery("select tableoid::regclass::text from usage_event where request_id = $1")
                .execute(Tuple.of(requestId)).await().atMost(Duration.ofSeconds(5)).iterator().next().getString(0);
    }

    void record(UsageEvent event) {
        recorder.record(event).toCompletionStage().toCompletableFuture().join();
        recorder.flushAll().await().atMost(Duration.ofSeconds(10));
    }

    static UsageEvent event(UUID tenant, String requestId, Instant at) {
        return UsageLedgerTest.event(tenant, requestId, "claude-4-5-haiku", Tokens.of(100, 20), at);
    }

    @Test
    void aRequestsRowIsInThePartitionOfItsMonth() {
        String key = gateway.newKeySecret();
        String requestId = gateway.chat(key);
        gateway.usageRow(requestId);
        assertEquals("usage_event_" + LocalDate.now(ZoneOffset.UTC).format(MONTH), partitionOf(requestId));
    }

    @Test
    void rowsWaitInTheDefaultPartitionMoveToTheirMonthAndOldMonthsAreDroppedWithoutChangingTheReports() {
        UUID tenant = UUID.fromString(gateway.newTenant());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // months that have no partition in the tests' new database: five months ago (kept) and three years ago (past
        // the 24-month retention)
        LocalDate recentDay = today.minusMonths(5).withDayOfMonth(10);
        LocalDate oldDay = today.minusMonths(36).withDayOfMonth(10);
        UsageEvent recent = event(tenant, "req_" + UUID.randomUUID(), recentDay.atTime(12, 0).toInstant(ZoneOffset.UTC));
        UsageEvent old = event(tenant, "req_" + UUID.randomUUID(), oldDay.atTime(12, 0).toInstant(ZoneOffset.UTC));
        record(recent);
        record(old);
        assertEquals("usage_event_default", partitionOf(recent.requestId()));
        assertEquals("usage_event_default", partitionOf(old.requestId()));
        String reportBefore = dailyReport(tenant, oldDay, recentDay.plusDays(1));

        List<String> dropped = partitions.maintain().await().atMost(Duration.ofSeconds(10));

        assertEquals("usage_event_" + recentDay.format(MONTH), partitionOf(recent.requestId()));
        assertTrue(dropped.contains("usage_event_" + oldDay.format(MONTH)), dropped.toString());
        assertEquals(0, gateway.single("select count(*) from usage_event where request_id = $1", old.requestId()));
        assertEquals(0, gateway.single("select count(*) from usage_event where created_at < $1",
                today.minusMonths(24).withDayOfMonth(1).atStartOfDay().atOffset(ZoneOffset.UTC)),
                "no raw row older than the retention, in any partition");
        // the rollup keeps both days: the report over whole days is unchanged
        assertEquals(reportBefore, dailyReport(tenant, oldDay, recentDay.plusDays(1)));
        assertEquals(2, gateway.single("select sum(requests)::bigint from usage_daily where tenant_id = $1", tenant));
        // the month ahead exists already
        assertEquals(1, gateway.single("select count(*) from pg_class where relname = $1",
                "usage_event_" + today.plusMonths(1).format(MONTH)));

        // a replay of a moved row meets it in its partition: one row, counted once
        record(recent);
        assertEquals(1, gateway.single("select count(*) from usage_event where request_id = $1", recent.requestId()));
        assertEquals(2, gateway.single("select sum(requests)::bigint from usage_daily where tenant_id = $1", tenant));
        // maintenance again: nothing more to drop, nothing moves
        assertEquals(List.of(), partitions.maintain().await().atMost(Duration.ofSeconds(10)));
        assertEquals("usage_event_" + recentDay.format(MONTH), partitionOf(recent.requestId()));
    }

    String dailyReport(UUID tenant, LocalDate from, LocalDate to) {
        String body = given().header("Authorization", Gateway.admin())
                .get("/admin/v1/tenants/" + tenant + "/usage?groupBy=day&from=" + from + "&to=" + to).then()
                .statusCode(200).extract().asString();
        assertTrue(body.contains(from.toString()) && body.contains(to.minusDays(1).toString()), body);
        return body;
    }
}
