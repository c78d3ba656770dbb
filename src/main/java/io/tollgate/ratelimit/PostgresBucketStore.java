package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.function.Supplier;

import javax.sql.DataSource;

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
 * Buckets in PostgreSQL (table {@code rate_limit_bucket}), shared by every replica: each operation is a
 * {@code SELECT ... FOR UPDATE} transaction over JDBC, so it blocks and runs on the rate limiter's threads. Requests
 * and tokens are served from this replica's share ({@link SlicedBucket}, {@code tollgate.rate-limit.local-share} of
 * the limit at a time), so most decisions need no transaction; concurrency slots always go to the database. The
 * proxies are kept per bucket so that the optimization (batching, delaying, predicting) has state to work with.
 */
final class PostgresBucketStore implements BucketStore {

    static final String TABLE = "rate_limit_bucket";

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;
    private final Supplier<Optimization> optimization;
    private final VersionedCache<LimitBucket> buckets;
    private final TimeMeter time;
    private final double share;

    PostgresBucketStore(DataSource dataSource, TimeMeter time, RateLimitConfig config, Duration idle) {
        this.time = time;
        this.share = config.localShare();
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
        this.buckets = new VersionedCache<>(idle);
    }

    @Override
    public LimitBucket bucket(Limits.Kind kind, String id, long version, long limit,
            Supplier<BucketConfiguration> config, boolean mayBlock) {
        if (!mayBlock) {
            return buckets.current(id, version);
        }
        return buckets.currentOrMake(id, version, older -> {
            if (older instanceof SlicedBucket held) {
                held.returnHeld(0); // what this replica held under the old limit goes back first
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
            Bucket shared = builder.build(id, config);
            // concurrency slots must be given back where every replica sees them: no share held here
            return kind == Limits.Kind.CONCURRENT ? new DirectBucket(shared, true)
                    : new SlicedBucket(shared, limit, (long) Math.floor(limit * share), time);
        });
    }

    @Override
    public void returnHeld(long idleNanos) {
        for (LimitBucket bucket : buckets.values()) {
            if (bucket instanceof SlicedBucket sliced) {
                sliced.returnHeld(idleNanos);
            }
        }
    }

    @Override
    public void forget() {
        buckets.clear();
    }

    @Override
    public int removeExpired() {
        return proxies.removeExpired(1000);
    }
}
