package io.tollgate.ratelimit;

import java.time.Duration;

import io.github.bucket4j.BucketConfiguration;

/** The token-bucket shape of each kind of limit. Pure: the same configuration on every replica. */
final class BucketPolicies {

    static final Duration MINUTE = Duration.ofMinutes(1);

    private final Duration burstWindow;
    private final long minBurst;
    private final Duration leaseTimeout;

    BucketPolicies(Duration burstWindow, long minBurst, Duration leaseTimeout) {
        this.burstWindow = burstWindow;
        this.minBurst = minBurst;
        this.leaseTimeout = leaseTimeout;
    }

    BucketConfiguration of(Limits.Kind kind, long limit) {
        return switch (kind) {
            case REQUESTS -> requests(limit);
            case TOKENS -> tokens(limit);
            case CONCURRENT -> concurrency(limit);
        };
    }

    /**
     * {@code perMinute} requests a minute, refilled continuously (one every 60/perMinute seconds), and at most
     * {@link #burst} of them within one burst window, so a large allowance is not spent in one instant.
     */
    BucketConfiguration requests(long perMinute) {
        long burst = burst(perMinute);
        var config = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, MINUTE));
        if (burst < perMinute) {
            config.addLimit(l -> l.capacity(burst).refillGreedy(burst, burstWindow));
        }
        return config.build();
    }

    /** The burst cap: the per-minute limit's share of one burst window, but never under min-burst. */
    long burst(long perMinute) {
        long share = (long) Math.ceil(perMinute * (double) burstWindow.toNanos() / MINUTE.toNanos());
        return Math.min(perMinute, Math.max(minBurst, share));
    }

    /** Input + output tokens a minute, refilled continuously; a settlement may leave it in debt. */
    BucketConfiguration tokens(long perMinute) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, MINUTE))
                .build();
    }

    /**
     * Slots for requests in flight: taken when a request starts, given back when it ends. The slow refill (all
     * slots over the lease timeout) gives back slots whose holder died without returning them.
     */
    BucketConfiguration concurrency(long slots) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(slots).refillGreedy(slots, leaseTimeout))
                .build();
    }
}
