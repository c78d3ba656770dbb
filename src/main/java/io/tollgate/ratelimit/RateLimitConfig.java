package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.rate-limit")
public interface RateLimitConfig {

    enum Mode {
        /** Buckets in PostgreSQL, shared by every replica. */
        DISTRIBUTED,
        /** Buckets in this instance's memory: exact for one instance, N replicas admit N times the limit. */
        LOCAL
    }

    enum Optimization {
        /** Every decision is a database transaction; concurrent decisions on one bucket share one. Exact. */
        BATCHING,
        /** Decisions are taken on a local copy and synchronized after max-unsynchronized-tokens or -timeout. */
        DELAYING,
        /** Like delaying, and also predicts the other replicas' consumption between synchronizations. */
        PREDICTING,
        /** Every decision is its own database transaction. */
        NONE
    }

    /** Whether limits are shared through PostgreSQL (distributed) or kept per instance (local). */
    @WithDefault("distributed")
    Mode mode();

    /** Bucket4j's optimization of the distributed mode; delaying and predicting trade exactness for fewer round trips. */
    @WithDefault("batching")
    Optimization optimization();

    /** Delaying/predicting: tokens a replica may take from a bucket before it synchronizes with the database. */
    @WithDefault("10")
    long maxUnsynchronizedTokens();

    /** Delaying/predicting: the longest a replica goes without synchronizing a bucket it uses. */
    @WithDefault("500ms")
    Duration maxUnsynchronizedTimeout();

    /**
     * Distributed mode: the share of a requests or tokens limit a replica takes from PostgreSQL at a time, beyond what
     * the request needs, and then spends from memory without a transaction. Replicas never admit more than the limit
     * together; each may hold up to this share unused, which the others cannot use until it is returned. 0: every
     * decision is a transaction.
     */
    @WithDefault("0.02")
    double localShare();

    /** Distributed mode: what a replica holds of a bucket unused for this long goes back to PostgreSQL. */
    @WithDefault("1s")
    Duration localShareIdle();

    /** The longest one bucket operation may wait for the database; then the request is admitted unlimited. */
    @WithDefault("2s")
    Duration storeTimeout();

    /** Threads that run the (blocking, JDBC) bucket operations of the distributed mode, off the event loops. */
    @WithDefault("8")
    int threads();

    /** The short window of the burst cap: no more than a burst-window's share of the per-minute requests at once. */
    @WithDefault("1s")
    Duration burstWindow();

    /** The burst cap never goes below this many requests (small limits may be spent at once). */
    @WithDefault("10")
    long minBurst();

    /** Output tokens reserved for a request that gives no max_tokens / max_completion_tokens. */
    @WithDefault("1024")
    long defaultMaxOutputTokens();

    /**
     * A concurrency slot that is never given back (a replica died mid-request) comes back by itself over this
     * time; it is also the bound on how long a request may hold a slot before another can take it.
     */
    @WithDefault("10m")
    Duration concurrencyLeaseTimeout();

    /** How often expired bucket rows are deleted from the database. */
    @WithDefault("5m")
    Duration cleanupInterval();

    /** Limits given to a tenant created without any. */
    Defaults defaultTenant();

    /** Limits given to a key created without any. */
    Defaults defaultKey();

    interface Defaults {
        /** Requests per minute; unset for no limit. */
        OptionalLong requestsPerMinute();

        /** Tokens (input + output) per minute; unset for no limit. */
        OptionalLong tokensPerMinute();

        /** Requests in flight at once; unset for no limit. */
        OptionalLong concurrentRequests();
    }
}
