package io.tollgate.ratelimit;

/**
 * One limit's bucket as the rate limiter uses it: take, give back, charge. Either a Bucket4j bucket used directly
 * ({@link DirectBucket}) or a replica's share of a bucket in PostgreSQL ({@link SlicedBucket}).
 */
interface LimitBucket {

    /**
     * Takes {@code amount} tokens if there are that many.
     *
     * @param mayBlock whether the caller may wait for the bucket store (a JDBC transaction); an event loop may not
     * @return the outcome, or null when deciding needs the store and {@code mayBlock} is false
     */
    Probe tryConsume(long amount, boolean mayBlock);

    /** Gives tokens back: a refund, a reservation larger than the usage, a concurrency slot. */
    void give(long amount);

    /** Takes tokens whatever is left (a usage larger than its reservation): the bucket may go into debt. */
    void charge(long amount);

    /** Whether {@link #give} and {@link #charge} block on the store. */
    boolean blocking();

    /**
     * @param consumed whether the tokens were taken
     * @param remaining what the per-minute limit has left (for the headers)
     * @param nanosToWait when refused: how long until {@code amount} is there again
     */
    record Probe(boolean consumed, long remaining, long nanosToWait) {
    }
}
