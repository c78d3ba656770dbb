package io.tollgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.tollgate.error.GatewayException;

class LimitsTest {

    @Test
    void aKeyMayNotExceedItsTenant() {
        Limits tenant = new Limits(100L, 10_000L, null, Map.of("m", new Limits(10L, null, null, null)));
        Limits.requireWithin(new Limits(100L, 5000L, 50L, null), tenant, "limits");
        GatewayException e = assertThrows(GatewayException.class,
                () -> Limits.requireWithin(new Limits(101L, null, null, null), tenant, "limits"));
        assertEquals(400, e.status());
        assertEquals("limits.requestsPerMinute", e.body().error().param());
        GatewayException model = assertThrows(GatewayException.class, () -> Limits.requireWithin(
                new Limits(null, null, null, Map.of("m", new Limits(11L, null, null, null))), tenant, "limits"));
        assertEquals("limits.models.m.requestsPerMinute", model.body().error().param());
    }

    @Test
    void valuesMustBePositiveAndEmptyMeansUnlimited() {
        assertThrows(GatewayException.class, () -> Limits.validated(new Limits(0L, null, null, null), "limits"));
        assertThrows(GatewayException.class, () -> Limits.validated(
                new Limits(null, null, null, Map.of("m", new Limits(null, -1L, null, null))), "limits"));
        assertNull(Limits.validated(new Limits(null, null, null, Map.of()), "limits"));
    }

    @Test
    void valuesBeyondWhatABucketCanRefillAre400NotAFailingBucket() {
        // 1e11 tokens a minute would refill 1.67 tokens a nanosecond, which Bucket4j refuses at the first request
        GatewayException e = assertThrows(GatewayException.class,
                () -> Limits.validated(new Limits(null, 100_000_000_000L, null, null), "limits"));
        assertEquals("limits.tokensPerMinute", e.body().error().param());
        assertEquals(Limits.MAX_VALUE, Limits.validated(new Limits(null, Limits.MAX_VALUE, null, null), "limits")
                .tokensPerMinute());
        new BucketPolicies(java.time.Duration.ofSeconds(1), 10, java.time.Duration.ofMinutes(10))
                .of(Limits.Kind.TOKENS, Limits.MAX_VALUE);
        new BucketPolicies(java.time.Duration.ofSeconds(1), 10, java.time.Duration.ofMinutes(10))
                .of(Limits.Kind.REQUESTS, Limits.MAX_VALUE);
    }

    @Test
    void anOverrideReplacesTheGeneralValueForItsModel() {
        Limits limits = new Limits(100L, 1000L, null, Map.of("m", new Limits(5L, null, null, null)));
        assertEquals(5L, limits.effective(Limits.Kind.REQUESTS, "m"));
        assertEquals(1000L, limits.effective(Limits.Kind.TOKENS, "m"));
        assertEquals(100L, limits.effective(Limits.Kind.REQUESTS, "other"));
        LimitScope scope = LimitScope.key(java.util.UUID.randomUUID(), limits, 0);
        assertEquals(scope.bucketId(Limits.Kind.REQUESTS, null) + ":m", scope.bucketId(Limits.Kind.REQUESTS, "m"));
        assertEquals(scope.bucketId(Limits.Kind.TOKENS, null), scope.bucketId(Limits.Kind.TOKENS, "m"));
    }

    @Test
    void storesAsJsonWithoutNulls() {
        Limits limits = new Limits(10L, null, 2L, null);
        assertEquals("{\"requestsPerMinute\":10,\"concurrentRequests\":2}", LimitsConverter.toJson(limits));
        assertEquals(limits, LimitsConverter.fromJson(LimitsConverter.toJson(limits)));
    }
}
