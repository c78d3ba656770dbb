package io.tollgate.usage;

import java.time.Duration;

/**
 * When the durable ledger waits before its next write. Rows that arrive while a write is in flight already share the
 * next one, and each write costs the gateway the statement's encoding, a round trip and a wake-up. So while several
 * rows arrive during each write on average (rows come much faster than writes end: the machine is saturated), the
 * next write waits a little to gather more, as PostgreSQL's {@code commit_delay} does when enough other
 * transactions are active. The mean counts the rows that arrived while a write was in flight, not the rows a write
 * carried: those grow with the wait itself, and a mean of them kept the writer waiting once it had started. Used by
 * the one writer at a time, so not thread-safe on its own.
 */
final class GroupCommit {

    /**
     * Weight of the last write in the running mean: about the last fifty writes count, so the rows that pile up
     * during one stalled write do not make the next rows wait.
     */
    static final double WEIGHT = 0.02;
    /**
     * Mean rows arriving during a write from which the writer waits. At ~1,300 req/s against the 50 ms upstream,
     * where writes carried 1.7-2.0 rows without the wait, waiting from 2 rows a write made the p50 1.3-2.7 ms longer
     * end to end; at saturation writes carried 3.5-4.7 rows without the wait (about as many as arrived during each),
     * and there the wait saves CPU (bench/results/2026-11-29-vm-group-commit-rates.md).
     */
    static final double BUSY = 3.0;

    private final long waitNanos;
    private double arrivingPerWrite = 0;

    GroupCommit(Duration wait) {
        this.waitNanos = wait.toNanos();
    }

    /**
     * A write ended and {@code arrived} rows came while it was in flight: how long to wait before the next write;
     * zero to write at once.
     */
    long afterWrite(int arrived) {
        arrivingPerWrite += WEIGHT * (arrived - arrivingPerWrite);
        return waitNanos > 0 && arrivingPerWrite >= BUSY ? waitNanos : 0;
    }

    /** The running mean of rows arriving while a write is in flight. */
    double arrivingPerWrite() {
        return arrivingPerWrite;
    }
}
