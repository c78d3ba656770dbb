package io.tollgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.tollgate.error.GatewayException;
import io.tollgate.support.MutableClock;

/** The decisions themselves, on in-memory buckets and a clock the test moves: no Quarkus, no sleeping. */
class RateLimiterTest {

    final MutableClock clock = MutableClock.frozenAt(Instant.parse("2026-11-28T10:00:00Z"));
    final RateLimiter limiter = new RateLimiter(new LocalBucketStore(new ClockTimeMeter(clock), Duration.ofMinutes(15)),
            new BucketPolicies(Duration.ofSeconds(1), 10, Duration.ofMinutes(10)), Runnable::run);
    final UUID keyId = UUID.randomUUID();
    final UUID tenantId = UUID.randomUUID();

    List<LimitScope> key(Limits limits) {
        return List.of(LimitScope.key(keyId, limits, 0), LimitScope.tenant(tenantId, null, 0));
    }

    static Limits rpm(long n) {
        return new Limits(n, null, null, null);
    }

    static Limits tpm(long n) {
        return new Limits(null, n, null, null);
    }

    GatewayException refused(List<LimitScope> scopes, String model, long tokens) {
        return assertThrows(GatewayException.class, () -> limiter.acquire(scopes, model, tokens));
    }

    @Test
    void refillsOneRequestEverySixSecondsAtTenPerMinute() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire(key(rpm(10)), "m", 0);
        }
        GatewayException e = refused(key(rpm(10)), "m", 0);
        assertEquals(429, e.status());
        assertEquals("rate_limit_error", e.body().error().type());
        assertEquals("requests_per_minute_exceeded", e.code());
        assertEquals("6", e.headers().get("Retry-After"));
        assertEquals("0", e.headers().get("x-ratelimit-remaining-requests"));

        clock.advance(Duration.ofMillis(4500));
        assertEquals("2", refused(key(rpm(10)), "m", 0).headers().get("Retry-After"), "1.5 s left, rounded up");
        clock.advance(Duration.ofMillis(1500));
        Lease lease = limiter.acquire(key(rpm(10)), "m", 0);
        assertEquals("0", lease.headers().get("x-ratelimit-remaining-requests"));
        assertEquals("1m0s", lease.headers().get("x-ratelimit-reset-requests"));

        clock.advance(Duration.ofSeconds(60));
        Lease full = limiter.acquire(key(rpm(10)), "m", 0);
        assertEquals("9", full.headers().get("x-ratelimit-remaining-requests"));
        assertEquals("6s", full.headers().get("x-ratelimit-reset-requests"));
    }

    @Test
    void burstCapSpreadsALargeAllowanceOverTheMinute() {
        // 1200 a minute is 20 a second: at most 20 at once, then one every 50 ms
        List<LimitScope> scopes = key(rpm(1200));
        for (int i = 0; i < 20; i++) {
            limiter.acquire(scopes, "m", 0);
        }
        GatewayException e = refused(scopes, "m", 0);
        assertEquals("1", e.headers().get("Retry-After"));
        clock.advance(Duration.ofMillis(50));
        limiter.acquire(scopes, "m", 0);
        refused(scopes, "m", 0);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) {
            limiter.acquire(scopes, "m", 0);
        }
        refused(scopes, "m", 0);
    }

    @Test
    void burstCapNeverGoesBelowMinBurst() {
        BucketPolicies policies = new BucketPolicies(Duration.ofSeconds(1), 10, Duration.ofMinutes(10));
        assertEquals(10, policies.burst(10), "a small limit may be spent at once");
        assertEquals(5, policies.burst(5));
        assertEquals(10, policies.burst(60));
        assertEquals(100, policies.burst(6000));
    }

    @Test
    void reservesTokensAndSettlesToTheRealUsage() {
        List<LimitScope> scopes = key(tpm(1000));
        Lease first = limiter.acquire(scopes, "m", 600);
        assertEquals("400", first.headers().get("x-ratelimit-remaining-tokens"));
        assertEquals("tokens_per_minute_exceeded", refused(scopes, "m", 600).code(), "the reservation counts at once");

        first.finish(100, true); // used 100 of the 600 reserved: 500 come back
        Lease second = limiter.acquire(scopes, "m", 600);
        assertEquals("300", second.headers().get("x-ratelimit-remaining-tokens"));

        second.finish(900, true); // used 300 more than reserved: charged, the bucket is empty
        GatewayException e = refused(scopes, "m", 1);
        // 1000 a minute refill one token every 60 ms
        assertEquals("1", e.headers().get("Retry-After"));
        clock.advance(Duration.ofSeconds(30));
        assertEquals("tokens_per_minute_exceeded", refused(scopes, "m", 600).code());
        assertEquals("6", refused(scopes, "m", 600).headers().get("Retry-After"), "500 there, 100 more take 6 s");
        clock.advance(Duration.ofSeconds(6));
        limiter.acquire(scopes, "m", 600);
    }

    @Test
    void debtFromAnUnderestimateDelaysTheNextRequests() {
        List<LimitScope> scopes = key(tpm(600));
        Lease lease = limiter.acquire(scopes, "m", 100);
        lease.finish(1200, true); // 1100 more than reserved: 600 - 1200 = 600 in debt
        clock.advance(Duration.ofSeconds(59));
        refused(scopes, "m", 10);
        clock.advance(Duration.ofSeconds(2));
        limiter.acquire(scopes, "m", 10);
    }

    @Test
    void overshootOfATokenLimitIsBoundedByWhatWasReservedTooLittle() {
        // the documented bound: within a minute, admitted usage <= limit + sum over admitted requests of
        // (real usage - reservation); the debt is then paid back before anything else is admitted
        List<LimitScope> scopes = key(tpm(1000));
        long used = 0;
        Lease a = limiter.acquire(scopes, "m", 500);
        Lease b = limiter.acquire(scopes, "m", 500);
        refused(scopes, "m", 1);
        a.finish(700, true);
        b.finish(700, true);
        used += 1400;
        long shortfall = (700 - 500) * 2;
        assertEquals(1000 + shortfall, used);
        clock.advance(Duration.ofMillis(60_000 + 400 * 60)); // the refill of one minute plus the debt
        limiter.acquire(scopes, "m", 1000);
    }

    @Test
    void aReservationLargerThanTheLimitWaitsForAFullBucket() {
        List<LimitScope> scopes = key(tpm(1000));
        Lease lease = limiter.acquire(scopes, "m", 5000);
        assertEquals("0", lease.headers().get("x-ratelimit-remaining-tokens"));
        refused(scopes, "m", 5000);
    }

    @Test
    void unknownUsageKeepsTheReservation() {
        List<LimitScope> scopes = key(tpm(1000));
        limiter.acquire(scopes, "m", 800).finish(0, false);
        refused(scopes, "m", 800);
    }

    @Test
    void concurrencySlotsComeBackWhenARequestEnds() {
        List<LimitScope> scopes = key(new Limits(null, null, 2L, null));
        Lease one = limiter.acquire(scopes, "m", 0);
        limiter.acquire(scopes, "m", 0);
        GatewayException e = refused(scopes, "m", 0);
        assertEquals("concurrent_requests_exceeded", e.code());
        assertEquals("1", e.headers().get("Retry-After"));
        one.finish(0, true);
        one.finish(0, true); // once only
        limiter.acquire(scopes, "m", 0);
        refused(scopes, "m", 0);
    }

    @Test
    void aSlotNeverGivenBackReturnsAfterTheLeaseTimeout() {
        List<LimitScope> scopes = key(new Limits(null, null, 1L, null));
        limiter.acquire(scopes, "m", 0); // its holder dies: never finished
        refused(scopes, "m", 0);
        clock.advance(Duration.ofMinutes(10));
        limiter.acquire(scopes, "m", 0);
    }

    @Test
    void tenantLimitBindsAcrossKeysAndARefusalGivesBackWhatWasTaken() {
        Limits tenant = rpm(3);
        UUID otherKey = UUID.randomUUID();
        List<LimitScope> a = List.of(LimitScope.key(keyId, rpm(10), 0), LimitScope.tenant(tenantId, tenant, 0));
        List<LimitScope> b = List.of(LimitScope.key(otherKey, rpm(10), 0), LimitScope.tenant(tenantId, tenant, 0));
        limiter.acquire(a, "m", 0);
        limiter.acquire(b, "m", 0);
        Lease third = limiter.acquire(a, "m", 0);
        assertEquals("3", third.headers().get("x-ratelimit-limit-requests"), "the tighter of key and tenant");
        assertEquals("0", third.headers().get("x-ratelimit-remaining-requests"));
        GatewayException e = refused(b, "m", 0);
        assertEquals("requests_per_minute_exceeded", e.code());
        // key a took 2 of its 10; the refused request's key b count was given back: 9 left after this one
        clock.advance(Duration.ofSeconds(20)); // one tenant request back
        Lease next = limiter.acquire(b, "m", 0);
        assertEquals("0", next.headers().get("x-ratelimit-remaining-requests"));
    }

    @Test
    void modelOverrideCountsInItsOwnBucket() {
        Limits limits = new Limits(5L, null, null, Map.of("slow-model", rpm(1)));
        List<LimitScope> scopes = key(limits);
        limiter.acquire(scopes, "slow-model", 0);
        refused(scopes, "slow-model", 0);
        for (int i = 0; i < 5; i++) {
            limiter.acquire(scopes, "other", 0);
        }
        refused(scopes, "other", 0);
    }

    @Test
    void aNewerVersionOfTheLimitsTakesEffectKeepingWhatWasUsed() {
        List<LimitScope> v1 = List.of(LimitScope.key(keyId, rpm(2), 1));
        limiter.acquire(v1, "m", 0);
        limiter.acquire(v1, "m", 0);
        refused(v1, "m", 0);
        List<LimitScope> v2 = List.of(LimitScope.key(keyId, rpm(5), 2));
        for (int i = 0; i < 3; i++) {
            limiter.acquire(v2, "m", 0);
        }
        refused(v2, "m", 0);
    }

    @Test
    void nothingLimitedMeansNoLeaseAndNoHeaders() {
        Lease lease = limiter.acquire(key(null), "m", 100);
        assertSame(Lease.NONE, lease);
        assertNotSame(Lease.NONE, limiter.acquire(key(rpm(1)), "m", 100));
    }

    @Test
    void formatsResetsAsOpenAiDoes() {
        assertEquals("250ms", RateLimiter.duration(250_000_000L));
        assertEquals("6s", RateLimiter.duration(5_200_000_000L));
        assertEquals("1m30s", RateLimiter.duration(90_000_000_000L));
        assertEquals("0s", RateLimiter.duration(0));
        assertEquals(1, RateLimiter.retryAfterSeconds(1));
        assertEquals(6, RateLimiter.retryAfterSeconds(5_000_000_001L));
    }
}
