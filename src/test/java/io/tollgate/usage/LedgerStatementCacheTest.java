package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The usage ledger's insert stays prepared on its connection (platform/ReactivePoolCreator): PostgreSQL lists the
 * statements a session keeps prepared in {@code pg_prepared_statements}; a statement the client does not cache is
 * sent unnamed, parsed and planned each time, and is never listed there.
 */
@QuarkusTest
class LedgerStatementCacheTest {

    @Inject
    Pool pool;

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
}
