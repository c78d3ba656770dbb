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
    void theBigWriteAfterAStallDoesNotMakeTheNextRowsWait() {
        GroupCommit commit = new GroupCommit(WAIT);
        commit.afterWrite(1);
        assertEquals(0, commit.afterWrite(20));
        assertEquals(0, commit.afterWrite(1));
    }

    @Test
    void waitsOnceWritesCarryTwoRowsOrMoreOnAverage() {
        GroupCommit commit = new GroupCommit(WAIT);
        int writesBeforeWaiting = 0;
        while (commit.afterWrite(3) == 0) {
            writesBeforeWaiting++;
        }
        // the running mean of rows per write reaches 2 at the 35th write of three (3 - 2 * 0.98^35 > 2), not at once
        assertEquals(34, writesBeforeWaiting);
        assertEquals(WAIT.toNanos(), commit.afterWrite(3));
    }

    @Test
    void writesAtOnceAgainWhenTheLoadFalls() {
        GroupCommit commit = new GroupCommit(WAIT);
        for (int i = 0; i < 200; i++) {
            commit.afterWrite(8);
        }
        assertEquals(WAIT.toNanos(), commit.afterWrite(1));
        int waitingWrites = 1;
        while (commit.afterWrite(1) > 0) {
            waitingWrites++;
        }
        // from a mean of 7.88 rows a write, the 96th single-row write brings it under 2 (1 + 6.88 * 0.98^96 < 2); while
        // rows come one a write the queue is mostly empty when a write ends, and then nothing waits anyway
        assertEquals(95, waitingWrites);
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
