package io.tollgate.usage;

import java.time.Duration;

/**
 * When the durable ledger waits before its next write. Rows that arrive while a write is in flight already share the
 * next one; at saturation that is two to four rows a write, and each write costs the gateway the statement's encoding, a
 * round trip and a wake-up. So while recent writes carried two rows or more on average (rows arrive faster than
 * writes end), the next write waits a little to gather more, as PostgreSQL's {@code commit_delay} does when enough
 * other transactions are active. At a rate where most writes carry one row, nothing waits: a lone row is written at
 * once. Used by the one writer at a time, so not thread-safe on its own.
 */
final class GroupCommit {

    /**
     * Weight of the last write in the running mean of rows per write: about the last fifty writes count, so neither
     * the big write after a stall nor a run of pairs at a moderate rate makes the next rows wait.
     */
    static final double WEIGHT = 0.02;
    /**
     * Mean rows per write from which the writer waits. At saturation writes carried 3.7 rows without the wait; at
     * ~480 req/s a threshold of 1.5 with a mean over ten writes made rows wait often enough to lengthen the added
     * p99 in every round of an A/B (bench/results/2026-11-29-vm-ab-group-commit-1ms-vs-off.md).
     */
    static final double BUSY = 2.0;

    private final long waitNanos;
    private double rowsPerWrite = 1;

    GroupCommit(Duration wait) {
        this.waitNanos = wait.toNanos();
    }

    /** After a write of {@code rows}: how long to wait before the next write; zero to write at once. */
    long afterWrite(int rows) {
        rowsPerWrite += WEIGHT * (rows - rowsPerWrite);
        return waitNanos > 0 && rowsPerWrite >= BUSY ? waitNanos : 0;
    }

    /** The running mean of rows per write. */
    double rowsPerWrite() {
        return rowsPerWrite;
    }
}
