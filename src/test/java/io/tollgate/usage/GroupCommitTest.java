package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The durable ledger waits before a write only while three rows or more arrive during each write. */
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofMillis(1);

    @Test
    void writesAtOnceWhileFewRowsArriveDuringEachWrite() {
        GroupCommit commit = new GroupCommit(WAIT);
        // up to ~2,000 req/s here: none, one or two rows came while a write was in flight
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, commit.afterWrite(i % 3), "write " + i);
        }
    }

    @Test
    void theRowsPiledUpDuringOneStalledWriteDoNotMakeTheNextRowsWait() {
        GroupCommit commit = new GroupCommit(WAIT);
        for (int i = 0; i < 100; i++) {
            commit.afterWrite(1);
        }
        assertEquals(0, commit.afterWrite(40));
        assertEquals(0, commit.afterWrite(1));
    }

    @Test
    void waitsWhileThreeRowsOrMoreArriveDuringEachWrite() {
        GroupCommit commit = new GroupCommit(WAIT);
        int writesBeforeWaiting = 0;
        while (commit.afterWrite(4) == 0) {
            writesBeforeWaiting++;
        }
        // the running mean reaches 3 at the 69th write during which four rows came (4 - 4 * 0.98^69 > 3)
        assertEquals(68, writesBeforeWaiting);
        assertEquals(WAIT.toNanos(), commit.afterWrite(4));
    }

    @Test
    void writesAtOnceAgainWhenTheLoadFalls() {
        GroupCommit commit = new GroupCommit(WAIT);
        for (int i = 0; i < 200; i++) {
            commit.afterWrite(8);
        }
        int waitingWrites = 0;
        while (commit.afterWrite(1) > 0) {
            waitingWrites++;
        }
        // from a mean of 7.86, the 62nd write during which one row came brings it under 3 (1 + 6.86 * 0.98^62 < 3)
        assertEquals(61, waitingWrites);
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
