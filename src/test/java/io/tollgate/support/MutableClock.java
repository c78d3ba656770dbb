package io.tollgate.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The application's clock in tests: real time plus an offset a test can move forward, so expiry needs no sleep. For
 * pure-logic tests, {@link #frozenAt} gives one that stands still but for what the test moves.
 */
@Alternative
@Priority(1)
@Singleton
public class MutableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    /** Null: real time. */
    private final Instant frozen;

    public MutableClock() {
        this(null);
    }

    private MutableClock(Instant frozen) {
        this.frozen = frozen;
    }

    /** A clock at {@code start} that moves only by {@link #advance}. */
    public static MutableClock frozenAt(Instant start) {
        return new MutableClock(start);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return (frozen != null ? frozen : Instant.now()).plus(offset);
    }
}
