package io.tollgate.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;

/** A Bucket4j bucket used as it is: in memory, or in PostgreSQL with one transaction per operation. */
final class DirectBucket implements LimitBucket {

    private final Bucket bucket;
    private final boolean blocking;

    DirectBucket(Bucket bucket, boolean blocking) {
        this.bucket = bucket;
        this.blocking = blocking;
    }

    /** The Bucket4j bucket itself (its configuration can be replaced in place). */
    Bucket bucket4j() {
        return bucket;
    }

    @Override
    public Probe tryConsume(long amount, boolean mayBlock) {
        if (blocking && !mayBlock) {
            return null;
        }
        VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(amount);
        ConsumptionProbe probe = result.getValue();
        // the headers speak of the minute (bandwidth 0), not of the burst cap
        long remaining = result.getDiagnostics().getAvailableTokensPerEachBandwidth()[0];
        return new Probe(probe.isConsumed(), remaining, probe.getNanosToWaitForRefill());
    }

    @Override
    public void give(long amount) {
        bucket.addTokens(amount);
    }

    @Override
    public void charge(long amount) {
        bucket.consumeIgnoringRateLimits(amount);
    }

    @Override
    public boolean blocking() {
        return blocking;
    }
}
