package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.LocalBucketBuilder;

/** Buckets in memory (single-instance mode): lock-free, on the caller's thread, never a network call. */
final class LocalBucketStore implements BucketStore {

    private record Versioned(long version, DirectBucket bucket, Bucket raw) {
    }

    private final TimeMeter time;
    private final Cache<String, Versioned> buckets;

    /** @param idle how long an unused bucket is kept: longer than it takes any bucket to refill completely */
    LocalBucketStore(TimeMeter time, Duration idle) {
        this.time = time;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(idle).build();
    }

    @Override
    public LimitBucket bucket(Limits.Kind kind, String id, long version, long limit,
            Supplier<BucketConfiguration> config, boolean mayBlock) {
        Versioned current = buckets.getIfPresent(id);
        if (current != null && current.version() >= version) {
            return current.bucket();
        }
        return buckets.asMap().compute(id, (k, existing) -> {
            if (existing == null) {
                Bucket bucket = build(config.get());
                return new Versioned(version, new DirectBucket(bucket, false), bucket);
            }
            if (existing.version() < version) {
                existing.raw().replaceConfiguration(config.get(), TokensInheritanceStrategy.ADDITIVE);
                return new Versioned(version, existing.bucket(), existing.raw());
            }
            return existing;
        }).bucket();
    }

    private Bucket build(BucketConfiguration config) {
        LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
        for (Bandwidth bandwidth : config.getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }

    @Override
    public boolean blocking() {
        return false;
    }
}
