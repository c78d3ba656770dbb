package io.tollgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The upstream settings as SmallRye Config reads them from properties (as Quarkus does), and their check at startup. */
class UpstreamPolicyTest {

    static UpstreamPolicyConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(UpstreamPolicyConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "5s", as Quarkus reads it
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build()
                .getConfigMapping(UpstreamPolicyConfig.class);
    }

    @Test
    void theDefaultsAndAnOverrideInRangePass() {
        UpstreamPolicyConfig config = config(Map.of(
                "tollgate.upstream.named.\"narrow\".bulkhead-limit", "1",
                "tollgate.upstream.named.\"narrow\".bulkhead-queue", "1"));
        UpstreamPolicy.validate(config);
        UpstreamPolicy narrow = UpstreamPolicy.of(config, "narrow");
        assertEquals(1, narrow.bulkheadLimit());
        assertEquals(1, narrow.bulkheadQueue());
        assertEquals(Duration.ofSeconds(300), narrow.firstByteTimeout(), "not overridden: the default");
        assertEquals(512, UpstreamPolicy.of(config, "inference").bulkheadQueue());
    }

    @Test
    void namesEverySettingOutOfRangeByItsKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> UpstreamPolicy.validate(config(Map.of(
                "tollgate.upstream.first-byte-timeout", "0s",
                "tollgate.upstream.bulkhead-limit", "0",
                "tollgate.upstream.backoff-initial", "2s",
                "tollgate.upstream.backoff-max", "1s",
                "tollgate.upstream.named.\"narrow\".bulkhead-queue", "0",
                "tollgate.upstream.named.\"narrow\".breaker-failure-ratio", "1.5",
                "tollgate.upstream.named.\"narrow\".max-attempts", "-1",
                "tollgate.upstream.named.\"narrow\".breaker-delay", "-1s"))));
        String message = e.getMessage();
        for (String key : new String[] { "tollgate.upstream.first-byte-timeout must be at least 1ms",
                "tollgate.upstream.bulkhead-limit must be at least 1, got 0",
                "tollgate.upstream.backoff-max must be at least backoff-initial",
                "tollgate.upstream.named.\"narrow\".bulkhead-queue must be at least 1, got 0",
                "tollgate.upstream.named.\"narrow\".breaker-failure-ratio must be above 0 and at most 1, got 1.5",
                "tollgate.upstream.named.\"narrow\".max-attempts must be at least 1, got -1",
                "tollgate.upstream.named.\"narrow\".breaker-delay must not be negative" }) {
            assertTrue(message.contains(key), () -> "missing \"" + key + "\" in: " + message);
        }
        assertFalse(message.contains("connect-timeout"), message);
    }

    @Test
    void aZeroFailureRatioIsRefused() {
        // it would open the breaker once the volume is reached, whatever the calls did
        assertThrows(IllegalStateException.class, () -> UpstreamPolicy.validate(
                config(Map.of("tollgate.upstream.breaker-failure-ratio", "0"))));
    }
}
