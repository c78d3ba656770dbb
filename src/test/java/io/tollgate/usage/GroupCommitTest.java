package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The durable ledger waits before a write only while rows come faster than one a write. */
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofMillis(1);

    @Test
    void writesAtOnceWhileRowsComeOneAWrite() {
        GroupCommit commit = new GroupCommit(WAIT);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, commit.afterWrite(1), "write " + i);
        }
    }

    @Test
    void anOccasionalPairDoesNotMakeTheNextRowsWait() {
        GroupCommit commit = new GroupCommit(WAIT);
        // at ~500 req/s about one write in five finds a second row that came meanwhile
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, commit.afterWrite(i % 5 == 0 ? 2 : 1), "write " + i);
        }
    }

    @Test
    void waitsOnceWritesCarryTwoRowsOnAverage() {
        GroupCommit commit = new GroupCommit(WAIT);
        int writesBeforeWaiting = 0;
        while (commit.afterWrite(2) == 0) {
            writesBeforeWaiting++;
        }
        // the running mean of rows per write reaches 1.5 at the seventh pair (2 - 0.9^7 > 1.5), not at the first
        assertEquals(6, writesBeforeWaiting);
        assertEquals(WAIT.toNanos(), commit.afterWrite(2));
    }

    @Test
    void writesAtOnceAgainWhenTheLoadFalls() {
        GroupCommit commit = new GroupCommit(WAIT);
        for (int i = 0; i < 50; i++) {
            commit.afterWrite(8);
        }
        assertEquals(WAIT.toNanos(), commit.afterWrite(1));
        int waitingWrites = 1;
        while (commit.afterWrite(1) > 0) {
            waitingWrites++;
        }
        // from a mean of ~8 rows a write, 24 single-row writes bring it under 1.5 (1 + 7 * 0.9^25 < 1.5)
        assertEquals(24, waitingWrites);
        assertEquals(0, commit.afterWrite(1));
    }

    @Test
    void aZeroWaitNeverWaits() {
        GroupCommit commit = new GroupCommit(Duration.ZERO);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, commit.afterWrite(50));
        }
    }
}
