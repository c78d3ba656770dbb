package io.tollgate.usage;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.usage")
public interface UsageConfig {

    /**
     * {@code durable}: a response is completed to the client only once its usage row is committed in PostgreSQL or
     * fsync'd in the local spool. {@code async}: rows are written in the background, after the response.
     * {@code reserved}: when a request is admitted, a reservation (the rate limiter's estimate of it) is committed
     * while the upstream works, and a response is completed only once that is durable; the exact row replaces it in
     * the background, after the response. A reservation left alone (the process was killed) is booked as an
     * estimate after {@link #reservationTimeout()}. The default: a durable ledger at {@code async}'s latency and CPU
     * (README, Performance).
     */
    @WithDefault("reserved")
    Mode mode();

    /** Where rows go while PostgreSQL cannot take them; must survive a restart of the process and be per replica. */
    @WithDefault(".tollgate/usage-spool")
    String spoolDir();

    /** Async mode: how often queued usage rows are written (many requests share one insert). */
    @WithDefault("200ms")
    Duration flushInterval();

    /**
     * Durable mode, when saturated: while three rows or more arrived during each write on average (over about fifty
     * writes), the next write waits this long to gather more rows (fewer writes, less CPU per request; each answer
     * waits up to this much longer). Below that nothing waits. {@code 0}: never wait.
     */
    @WithDefault("1ms")
    Duration groupCommitWait();

    /** Most rows in one insert. */
    @WithDefault("1000")
    int batchSize();

    /** A durable batch that PostgreSQL has not committed within this goes to the spool instead. */
    @WithDefault("2s")
    Duration writeTimeout();

    /** While rows are spooled: how often PostgreSQL is asked whether it is back, and the spool replayed. */
    @WithDefault("1s")
    Duration replayInterval();

    /** Queued rows past which a warning is logged each flush (the database is not keeping up or is down). */
    @WithDefault("100000")
    int warnQueued();

    /**
     * Raw rows ({@code usage_event}) kept: the current month and this many months before it; older monthly
     * partitions are dropped. Empty: kept forever. The daily rollup, and so reports over whole days, statements and
     * budgets, is never dropped.
     */
    Optional<Integer> retentionMonths();

    /** Monthly partitions of the raw rows created ahead of time, the current month included. */
    @WithDefault("3")
    int partitionsAhead();

    /** How often the partitions ahead are checked and the retention applied (also at startup). */
    @WithDefault("6h")
    Duration partitionCheckInterval();

    /**
     * Reserved mode: a reservation that no exact row has replaced after this long is booked as an estimated row. Longer
     * than the longest request plus the time rows may wait in a replica's spool while PostgreSQL is away: an exact row
     * that comes after its estimate is dropped (the estimate stays, counted once).
     */
    @WithDefault("1h")
    Duration reservationTimeout();

    /**
     * Reserved mode: how long a reservation may wait to share its write with the reservations (and exact rows) of the
     * next few milliseconds. An answer that is ready sooner has what is queued written at once, so it never waits for
     * the window; a process killed within it loses the reservations of its last window. {@code 0}: each reservation
     * is written at once (one write a request below saturation, as in {@code durable} mode).
     */
    @WithDefault("10ms")
    Duration reservationWait();

    /** Reserved mode: how often each replica looks for reservations past the timeout. */
    @WithDefault("1m")
    Duration reservationSweepInterval();

    enum Mode {
        DURABLE,
        ASYNC,
        RESERVED
    }
}
