package io.tollgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.github.bucket4j.Bucket;
import io.tollgate.support.MutableClock;

/**
 * A replica's share of a shared bucket, against an in-memory Bucket4j bucket standing for the one in PostgreSQL and a
 * clock the test moves. The shared bucket's tokens tell how much was taken from it.
 */
class SlicedBucketTest {

    final MutableClock clock = MutableClock.frozenAt(Instant.parse("2026-11-28T10:00:00Z"));
    final ClockTimeMeter time = new ClockTimeMeter(clock);

    Bucket shared(long perMinute) {
        return Bucket.builder().withCustomTimePrecision(time)
                .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1))).build();
    }

    @Test
    void aReplicaTakesTheRequestAndASliceOnceThenDecidesInMemory() {
        Bucket shared = shared(1000);
        SlicedBucket replica = new SlicedBucket(shared, 1000, 100, time);
        assertNull(replica.tryConsume(1, false), "nothing held yet: the database must be asked");
        assertEquals(1000, shared.getAvailableTokens(), "and nothing was taken");

        LimitBucket.Probe first = replica.tryConsume(1, true);
        assertTrue(first.consumed());
        assertEquals(899, shared.getAvailableTokens(), "the request and a slice of 100");
        assertEquals(999, first.remaining(), "what the shared bucket has plus what is held");
        for (int i = 0; i < 100; i++) {
            LimitBucket.Probe probe = replica.tryConsume(1, false);
            assertTrue(probe != null && probe.consumed(), "request " + i + " from the slice");
        }
        assertEquals(899, shared.getAvailableTokens(), "no more taken");
        assertNull(replica.tryConsume(1, false), "the slice is spent");
    }

    @Test
    void replicasTogetherAdmitTheLimitExactlyAndAHeldSliceIsTheMostOthersLose() {
        Bucket shared = shared(100);
        SlicedBucket a = new SlicedBucket(shared, 100, 10, time);
        SlicedBucket b = new SlicedBucket(shared, 100, 10, time);
        assertTrue(a.tryConsume(1, true).consumed()); // a holds 10 more
        int admittedByB = 0;
        while (b.tryConsume(1, true).consumed()) {
            admittedByB++;
        }
        assertEquals(89, admittedByB, "b is refused while a holds 10 unused");
        LimitBucket.Probe refused = b.tryConsume(1, true);
        assertFalse(refused.consumed());
        assertTrue(refused.nanosToWait() > 0 && refused.nanosToWait() <= Duration.ofSeconds(1).toNanos(),
                "one token refills every 0.6 s: " + refused.nanosToWait());

        a.returnHeld(0);
        assertEquals(0, a.held());
        int more = 0;
        while (b.tryConsume(1, true).consumed()) {
            more++;
        }
        assertEquals(10, more, "what a gave back");
        assertEquals(0, shared.getAvailableTokens());
    }

    @Test
    void aSliceSpentLaterRunsAheadOfTheBucketByAtMostThatSlice() {
        Bucket shared = shared(100);
        SlicedBucket a = new SlicedBucket(shared, 100, 10, time);
        SlicedBucket b = new SlicedBucket(shared, 100, 10, time);
        assertTrue(a.tryConsume(1, true).consumed()); // a holds 10 from now on
        clock.advance(Duration.ofMinutes(1)); // the shared bucket is full again
        int atOnce = 0;
        while (a.tryConsume(1, true).consumed()) {
            atOnce++;
        }
        while (b.tryConsume(1, true).consumed()) {
            atOnce++;
        }
        assertEquals(100 + 10, atOnce, "a full bucket plus the slice a took a minute ago: the bound, reached");
    }

    @Test
    void settlementsStayHeldUntilTheBucketIsIdleThenGoBack() {
        Bucket shared = shared(1000);
        SlicedBucket replica = new SlicedBucket(shared, 1000, 0, time);
        assertTrue(replica.tryConsume(600, true).consumed());
        replica.give(500); // the request used 100 of its 600
        assertEquals(400, shared.getAvailableTokens());
        assertTrue(replica.tryConsume(300, false).consumed(), "served from what was given back");
        replica.returnHeld(Duration.ofSeconds(1).toNanos());
        assertEquals(200, replica.held(), "not idle yet: kept");
        clock.advance(Duration.ofMillis(1500));
        replica.returnHeld(Duration.ofSeconds(1).toNanos());
        assertEquals(0, replica.held());
        assertEquals(625, shared.getAvailableTokens(), "400 + 200 returned + 25 refilled in 1.5 s");
    }

    @Test
    void aDebtIsPaidToTheSharedBucketBeforeMoreIsAdmitted() {
        Bucket shared = shared(1000);
        SlicedBucket replica = new SlicedBucket(shared, 1000, 0, time);
        assertTrue(replica.tryConsume(100, true).consumed());
        replica.charge(50); // it used 150
        assertEquals(-50, replica.held());
        assertNull(replica.tryConsume(1, false));
        assertTrue(replica.tryConsume(1, true).consumed());
        assertEquals(1000 - 100 - 50 - 1, shared.getAvailableTokens());

        replica.charge(2000); // far over: a debt larger than the bucket
        LimitBucket.Probe refused = replica.tryConsume(1, true);
        assertFalse(refused.consumed());
        assertTrue(refused.nanosToWait() >= Duration.ofSeconds(60).toNanos(), "the debt takes minutes of refill");
        replica.returnHeld(0);
        assertTrue(shared.getAvailableTokens() < 0, "the debt is the shared bucket's now");
    }
}
