package io.tollgate.ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;

/**
 * This replica's share of a bucket in PostgreSQL. When what it holds does not cover a request, it takes the request's
 * tokens plus a slice ({@code slice}: a small share of the limit) from the shared bucket in one transaction, and
 * serves the next requests from the slice in memory, without the database. Tokens given back (a reservation larger
 * than the usage) and charged (a usage larger than it) stay here too; what is held is returned to the shared bucket
 * once the bucket has been idle a moment ({@link #returnHeld}).
 * <p>
 * Every token a request spends was taken from the shared bucket first, so replicas together never take more than the
 * shared bucket allows. A slice is spent some time after it was taken, while the shared bucket refills: in any window,
 * admissions can run ahead of the bucket by the slices held when the window starts, at most one slice per replica
 * (and the same bound on the burst cap). What a replica holds unused is not available to the others until it is
 * returned: they may be refused early, by at most one slice per other replica. A slice of 0 (small limits) asks the
 * database for every request and is exact.
 * <p>
 * Decisions are under a lock; a caller that may not block (an event loop) gets {@code null} instead of waiting for a
 * thread that is talking to the database, or when the database must be asked.
 */
final class SlicedBucket implements LimitBucket {

    private final Bucket shared;
    private final long limit;
    private final long slice;
    private final TimeMeter time;
    private final ReentrantLock lock = new ReentrantLock();
    /** Tokens held here; negative: a debt to the shared bucket. */
    private long held;
    /** Given back and charged without the lock (never wait on a thread that talks to the database): folded into held. */
    private final AtomicLong adjustments = new AtomicLong();
    /** The shared bucket's per-minute remainder when it was last asked, and when. */
    private long sharedRemaining;
    private long syncedAt;
    private long lastUsed;

    SlicedBucket(Bucket shared, long limit, long slice, TimeMeter time) {
        this.shared = shared;
        this.limit = limit;
        this.slice = Math.max(0, slice);
        this.time = time;
        this.lastUsed = time.currentTimeNanos();
        this.syncedAt = lastUsed;
        this.sharedRemaining = limit;
    }

    @Override
    public Probe tryConsume(long amount, boolean mayBlock) {
        if (mayBlock) {
            lock.lock();
        } else if (!lock.tryLock()) {
            return null;
        }
        try {
            lastUsed = time.currentTimeNanos();
            held += adjustments.getAndSet(0);
            if (held >= amount) {
                held -= amount;
                return new Probe(true, remaining(), 0);
            }
            if (!mayBlock) {
                return null;
            }
            long need = amount - held;
            VerboseResult<Long> taken = shared.asVerbose().tryConsumeAsMuchAsPossible(need + slice);
            synced(taken.getDiagnostics().getAvailableTokensPerEachBandwidth()[0]);
            held += taken.getValue();
            if (held >= amount) {
                held -= amount;
                return new Probe(true, remaining(), 0);
            }
            // refused; what was taken stays here (it pays a debt down, or serves the next request)
            long missing = amount - held;
            return new Probe(false, 0, nanosUntil(missing));
        } finally {
            lock.unlock();
        }
    }

    /** How long until the shared bucket has {@code missing} more tokens. */
    private long nanosUntil(long missing) {
        if (missing <= limit) {
            EstimationProbe estimate = shared.estimateAbilityToConsume(missing);
            if (estimate.canBeConsumed()) {
                return 1;
            }
            if (estimate.getNanosToWaitForRefill() < Long.MAX_VALUE) {
                return estimate.getNanosToWaitForRefill();
            }
        }
        // more than a full bucket (a debt): the per-minute refill pays it down
        return (long) Math.ceil(missing * (double) BucketPolicies.MINUTE.toNanos() / limit);
    }

    private void synced(long remaining) {
        sharedRemaining = remaining;
        syncedAt = time.currentTimeNanos();
    }

    /** For the headers: the shared bucket as last seen plus its refill since (at this limit's rate), plus what is held. */
    private long remaining() {
        long elapsed = Math.max(0, time.currentTimeNanos() - syncedAt);
        double refill = elapsed * (double) limit / BucketPolicies.MINUTE.toNanos();
        long shared = (long) Math.min(limit, sharedRemaining + refill);
        return Math.max(0, Math.min(limit, shared + held));
    }

    @Override
    public void give(long amount) {
        adjustments.addAndGet(amount);
    }

    @Override
    public void charge(long amount) {
        adjustments.addAndGet(-amount);
    }

    @Override
    public boolean blocking() {
        return false;
    }

    /**
     * Returns what is held (or pays what is owed) to the shared bucket when the bucket has not been used for
     * {@code idleNanos}, or always with 0. Blocks on the database; skips a bucket another thread is using.
     */
    void returnHeld(long idleNanos) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            held += adjustments.getAndSet(0);
            if (held == 0 || time.currentTimeNanos() - lastUsed < idleNanos) {
                return;
            }
            if (held > 0) {
                shared.addTokens(held);
            } else {
                shared.consumeIgnoringRateLimits(-held);
            }
            held = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Tokens held here (negative: owed). For tests and metrics. */
    long held() {
        lock.lock();
        try {
            held += adjustments.getAndSet(0);
            return held;
        } finally {
            lock.unlock();
        }
    }
}
