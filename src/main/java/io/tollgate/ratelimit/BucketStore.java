package io.tollgate.ratelimit;

import java.util.function.Supplier;

import io.github.bucket4j.BucketConfiguration;

/** Where the buckets live: this instance's memory, or PostgreSQL shared by every replica. */
interface BucketStore extends AutoCloseable {

    /**
     * The bucket of a limit. A bucket first seen takes {@code config}; one that has an older {@code version} takes it
     * too, keeping what was used (Bucket4j's ADDITIVE inheritance: a raised limit is usable at once).
     *
     * @param limit the limit's value (a replica's share of it is sized from it)
     * @param mayBlock false on an event loop: null when the bucket is not at hand without the database
     */
    LimitBucket bucket(Limits.Kind kind, String id, long version, long limit, Supplier<BucketConfiguration> config,
            boolean mayBlock);

    /** Deletes buckets that are full again and unused; returns how many. */
    default int removeExpired() {
        return 0;
    }

    /** Returns to the shared buckets what this replica holds of those idle for a moment (all of it with 0). */
    default void returnHeld(long idleNanos) {
    }

    /** Drops what is cached about the buckets, so that the next use starts afresh (after a store failure). */
    default void forget() {
    }

    @Override
    default void close() {
    }
}
