package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tollgate.support.Gateway;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Idempotent writes: a row written again, by a retry or a spool replay, is one row and is counted once. Rows that
 * come together share writes. In {@code durable} mode, where every row has an answer waiting for it (the group
 * commit); {@code reserved} mode's own writes are {@link ReservedUsageTest}'s and {@link ReservationWindowTest}'s.
 */
@QuarkusTest
@TestProfile(UsageLedgerTest.Durable.class)
class UsageLedgerTest {

    public static class Durable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tollgate.usage.mode", "durable");
        }
    }

    @Inject
    UsageRecorder recorder;
    @Inject
    Gateway gateway;
    @Inject
    ObjectMapper mapper;
    @Inject
    UsageConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    Vertx vertx;

    static UsageEvent event(UUID tenant, String requestId, String model, Tokens tokens, Instant at) {
        return new UsageEvent(requestId, tenant, UUID.randomUUID(), "chat.completions", model, model, "test", 200, tokens,
                false, true, 5, 1, at);
    }

    @Test
    void sameRequestIdRecordedTwiceIsOneRowCountedOnce() {
        UUID tenant = UUID.randomUUID();
        UsageEvent event = event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku", Tokens.of(10, 20),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        recorder.record(event).toCompletionStage().toCompletableFuture().join();
        recorder.record(event).toCompletionStage().toCompletableFuture().join();
        recorder.flushAll().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, gateway.single("select count(*) from usage_event where tenant_id = $1", tenant));
        assertEquals(1, gateway.single("select sum(requests)::bigint from usage_daily where tenant_id = $1", tenant));
        assertEquals(30, gateway.single("select sum(total_tokens)::bigint from usage_daily where tenant_id = $1", tenant));
    }

    @Test
    void replayedSpoolSkipsRowsAlreadyInTheDatabase() throws Exception {
        UUID tenant = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UsageEvent written = event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku", Tokens.of(1, 2), now);
        UsageEvent onlySpooled = event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku", Tokens.of(3, 4), now);
        recorder.record(written).toCompletionStage().toCompletableFuture().join();
        recorder.flushAll().await().atMost(Duration.ofSeconds(10));

        // a spool segment as a crash leaves it: a row that also reached PostgreSQL, a new one and a torn last line
        String torn = UsageSpool.line(mapper, onlySpooled).substring(0, 40);
        Path segment = Path.of(config.spoolDir()).resolve("usage-0000000000001-000000" + UsageSpool.SUFFIX);
        Files.writeString(segment, UsageSpool.line(mapper, written) + UsageSpool.line(mapper, onlySpooled) + torn,
                StandardCharsets.UTF_8);
        recorder.replayNow().await().atMost(Duration.ofSeconds(10));
        assertTrue(!Files.exists(segment), "a replayed segment is deleted");

        assertEquals(2, gateway.single("select count(*) from usage_event where tenant_id = $1", tenant));
        assertEquals(2, gateway.single("select sum(requests)::bigint from usage_daily where tenant_id = $1", tenant));
        assertEquals(10, gateway.single("select sum(total_tokens)::bigint from usage_daily where tenant_id = $1", tenant));
        assertTrue(recorder.spooled() == 0);
    }

    @Test
    void aSpoolWrittenByANewerVersionStillReplaysAfterARollback() throws Exception {
        UUID tenant = UUID.randomUUID();
        UsageEvent event = event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku", Tokens.of(6, 7),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // the same row with a field this version does not know, checksummed as a newer version would write it
        com.fasterxml.jackson.databind.node.ObjectNode json = mapper.valueToTree(event);
        json.put("fieldOfANewerVersion", 42);
        String text = mapper.writeValueAsString(json);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        Path segment = Path.of(config.spoolDir()).resolve("usage-0000000000002-000000" + UsageSpool.SUFFIX);
        Files.writeString(segment, Long.toHexString(crc.getValue()) + ' ' + text + '\n', StandardCharsets.UTF_8);
        recorder.replayNow().await().atMost(Duration.ofSeconds(10));
        assertEquals(13, gateway.single("select sum(total_tokens)::bigint from usage_event where tenant_id = $1", tenant));
    }

    @Test
    void rowsRecordedInBurstsShareWritesAndEachAnswersOnItsOwnContext() throws Exception {
        UUID tenant = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        DistributionSummary writes = registry.get("tollgate.usage.ledger.write.rows").summary();
        long writesBefore = writes.count();
        double rowsBefore = writes.totalAmount();
        Counter waits = registry.get("tollgate.usage.ledger.group.commit.waits").counter();
        double waitsBefore = waits.count();
        Context context = vertx.getOrCreateContext();
        int bursts = 20;
        int rowsPerBurst = 20;
        List<Boolean> answeredOnContext = new CopyOnWriteArrayList<>();
        for (int b = 0; b < bursts; b++) {
            CompletableFuture<Void> burst = new CompletableFuture<>();
            context.runOnContext(v -> {
                List<Future<Void>> rows = new ArrayList<>();
                for (int i = 0; i < rowsPerBurst; i++) {
                    rows.add(recorder.record(event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku",
                            Tokens.of(1, 1), now))
                            .onComplete(r -> answeredOnContext.add(Vertx.currentContext() == context)));
                }
                Future.all(rows).onComplete(r -> burst.complete(null));
            });
            burst.get(10, TimeUnit.SECONDS);
        }

        assertEquals(bursts * rowsPerBurst, answeredOnContext.size());
        assertTrue(!answeredOnContext.contains(false), "every durable answer runs on its request's context");
        assertEquals(bursts * rowsPerBurst,
                gateway.single("select count(*) from usage_event where tenant_id = $1", tenant));
        assertEquals(bursts * rowsPerBurst,
                gateway.single("select sum(requests)::bigint from usage_daily where tenant_id = $1", tenant));
        // each burst's first row is written at once, the rest share the next write, or the next two when the first
        // write ends while the burst is still being recorded (seen in a cold JVM: 42 writes for the 20 bursts); one
        // write a row would be 400
        assertEquals(bursts * rowsPerBurst, writes.totalAmount() - rowsBefore, 0.0);
        assertTrue(writes.count() - writesBefore <= 3L * bursts, "writes: " + (writes.count() - writesBefore));
        // 19 rows came during each burst's first write, so the later bursts took the group commit's wait
        assertTrue(recorder.arrivingPerWrite() >= GroupCommit.BUSY, "rows arriving: " + recorder.arrivingPerWrite());
        assertTrue(waits.count() > waitsBefore, "writes that waited: " + (waits.count() - waitsBefore));
    }

    @Test
    void aSecondProcessOnTheSameSpoolDirectorySpoolsApartAndIsAdoptedWhenGone() throws Exception {
        UUID tenant = UUID.randomUUID();
        UsageEvent event = event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku", Tokens.of(2, 3),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // this process owns the directory: a second spool on it gets a directory of its own
        UsageSpool other = new UsageSpool(Path.of(config.spoolDir()), mapper);
        other.append(List.of(event));
        other.close();
        assertEquals(5, gateway.usageRow(event.requestId()).getLong("total_tokens"));
    }
}
