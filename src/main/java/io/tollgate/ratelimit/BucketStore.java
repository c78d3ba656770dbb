package io.tollgate.ratelimit;

import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/** Where the buckets live: this instance's memory, or PostgreSQL shared by every replica. */
interface BucketStore extends AutoCloseable {

    /**
     * The bucket with that id. A bucket first seen takes {@code config}; one that has an older {@code version} takes
     * it too, keeping what was used (Bucket4j's ADDITIVE inheritance: a raised limit is usable at once).
     */
    Bucket bucket(String id, long version, Supplier<BucketConfiguration> config);

    /** True when the bucket operations block (JDBC) and must run off the event loop. */
    boolean blocking();

    /** Deletes buckets that are full again and unused; returns how many. */
    default int removeExpired() {
        return 0;
    }

    /** Drops what is cached about the buckets, so that the next use starts afresh (after a store failure). */
    default void forget() {
    }

    @Override
    default void close() {
    }
}
