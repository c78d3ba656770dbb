package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The usage ledger's insert stays prepared on its connection (platform/ReactivePoolCreator) and is planned once
 * (UsageRecorder's session): PostgreSQL lists the statements a session keeps prepared in
 * {@code pg_prepared_statements}, with how often each ran a generic or a custom plan; a statement the client does
 * not cache is sent unnamed, parsed and planned each time, and is never listed there.
 */
@QuarkusTest
class LedgerStatementCacheTest {

    @Inject
    Pool pool;
    @Inject
    UsageRecorder recorder;

    @Test
    void theLedgerInsertIsPreparedOnceAndKeptOnItsConnection() {
        assertTrue(UsageRecorder.INSERT.length() > 2048,
                "longer than the Vert.x client caches by default: " + UsageRecorder.INSERT.length());
        Tuple noRows = UsageRecorder.toTuple(List.of());
        long kept = pool.withConnection(connection -> connection.preparedQuery(UsageRecorder.INSERT).execute(noRows)
                .chain(() -> connection.preparedQuery(UsageRecorder.INSERT).execute(noRows))
                .chain(() -> connection.preparedQuery("select count(*) from pg_prepared_statements where statement = $1")
                        .execute(Tuple.of(UsageRecorder.INSERT)))
                .map(rows -> rows.iterator().next().getLong(0)))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(1, kept, "kept prepared once on the connection that ran it twice");
    }

    @Test
    void theLedgerPlansItsInsertOnceGenericallyNotForEveryBatch() {
        Row before = plans();
        UUID tenant = UUID.randomUUID();
        for (int i = 0; i < 8; i++) {
            // one at a time: eight batches, eight executions (in every mode: flushAll writes what record queued)
            recorder.record(UsageLedgerTest.event(tenant, "req_" + UUID.randomUUID(), "claude-4-5-haiku",
                    Tokens.of(10, 20), Instant.now().truncatedTo(ChronoUnit.MILLIS))).toCompletionStage()
                    .toCompletableFuture().join();
            recorder.flushAll().await().atMost(Duration.ofSeconds(10));
        }
        Row after = plans();
        assertTrue(after.getLong("generic") - before.getLong("generic") >= 8,
                "every batch ran the generic plan: " + before.toJson() + " then " + after.toJson());
        assertEquals(before.getLong("custom"), after.getLong("custom"),
                "no batch was planned for its own values: " + before.toJson() + " then " + after.toJson());
    }

    /** How often the ledger's session ran its insert with the generic and with custom plans. */
    private Row plans() {
        return recorder.onLedgerConnection("select coalesce(sum(generic_plans), 0)::bigint as generic,"
                + " coalesce(sum(custom_plans), 0)::bigint as custom from pg_prepared_statements where statement = $1",
                Tuple.of(UsageRecorder.INSERT)).await().atMost(Duration.ofSeconds(10)).iterator().next();
    }
}
