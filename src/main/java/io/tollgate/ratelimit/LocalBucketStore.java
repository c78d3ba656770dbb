package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.LocalBucketBuilder;

/** Buckets in memory (single-instance mode): lock-free, on the caller's thread, never a network call. */
final class LocalBucketStore implements BucketStore {

    private final TimeMeter time;
    private final VersionedCache<DirectBucket> buckets;

    /** @param idle how long an unused bucket is kept: longer than it takes any bucket to refill completely */
    LocalBucketStore(TimeMeter time, Duration idle) {
        this.time = time;
        this.buckets = new VersionedCache<>(idle);
    }

    @Override
    public LimitBucket bucket(Limits.Kind kind, String id, long version, long limit,
            Supplier<BucketConfiguration> config, boolean mayBlock) {
        return buckets.currentOrMake(id, version, older -> {
            if (older == null) {
                return new DirectBucket(build(config.get()), false);
            }
            older.bucket4j().replaceConfiguration(config.get(), TokensInheritanceStrategy.ADDITIVE);
            return older;
        });
    }

    private Bucket build(BucketConfiguration config) {
        LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
        for (Bandwidth bandwidth : config.getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }
}
