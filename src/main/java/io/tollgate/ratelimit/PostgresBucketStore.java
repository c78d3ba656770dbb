package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

/**
 * Buckets in PostgreSQL (table {@code rate_limit_bucket}), shared by every replica: each decision is a
 * {@code SELECT ... FOR UPDATE} transaction over JDBC, so it blocks and runs on the rate limiter's threads. The
 * proxies are kept per bucket so that the optimization (batching, delaying, predicting) has state to work with.
 */
final class PostgresBucketStore implements BucketStore {

    static final String TABLE = "rate_limit_bucket";

    private record Versioned(long version, Bucket bucket) {
    }

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;
    private final Supplier<Optimization> optimization;
    private final Cache<String, Versioned> buckets;

    PostgresBucketStore(DataSource dataSource, TimeMeter time, RateLimitConfig config, Duration idle) {
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(TABLE)
                .clientClock(time)
                .requestTimeout(config.storeTimeout())
                // a row may go once its bucket is full again (deleting it then loses nothing) and no replica can
                // still hold a proxy for it (idle): batched commands cannot recreate a missing bucket
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        idle.plusMinutes(1)))
                .build();
        DelayParameters delay = new DelayParameters(config.maxUnsynchronizedTokens(), config.maxUnsynchronizedTimeout());
        this.optimization = switch (config.optimization()) {
            case BATCHING -> Optimizations::batching;
            case DELAYING -> () -> Optimizations.delaying(delay);
            case PREDICTING -> () -> Optimizations.predicting(delay);
            case NONE -> () -> null;
        };
        this.buckets = Caffeine.newBuilder().expireAfterAccess(idle).build();
    }

    @Override
    public Bucket bucket(String id, long version, Supplier<BucketConfiguration> config) {
        Versioned current = buckets.getIfPresent(id);
        if (current != null && current.version() >= version) {
            return current.bucket();
        }
        return buckets.asMap().compute(id, (k, existing) -> {
            if (existing != null && existing.version() >= version) {
                return existing;
            }
            RemoteBucketBuilder<String> builder = proxies.builder()
                    .withImplicitConfigurationReplacement(version, TokensInheritanceStrategy.ADDITIVE);
            // Bucket4j's merged (batched) commands fail on a bucket that does not exist yet instead of creating it:
            // create it, or give it the new configuration, with one plain command first
            builder.build(id, config).getAvailableTokens();
            Optimization chosen = optimization.get();
            if (chosen != null) {
                builder = builder.withOptimization(chosen);
            }
            return new Versioned(version, builder.build(id, config));
        }).bucket();
    }

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public void forget() {
        buckets.invalidateAll();
    }

    @Override
    public int removeExpired() {
        return proxies.removeExpired(1000);
    }
}
