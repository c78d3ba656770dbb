package io.tollgate.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The settled policy of one upstream: its override where given, the default elsewhere. */
public record UpstreamPolicy(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, int maxAttempts,
        Duration retryBudget, Duration backoffInitial, Duration backoffMax, double breakerFailureRatio,
        int breakerRequestVolume, Duration breakerDelay, int bulkheadLimit, int bulkheadQueue) {

    static UpstreamPolicy of(UpstreamPolicyConfig config, String upstream) {
        UpstreamPolicyConfig.Override o = config.named().get(upstream);
        if (o == null) {
            return new UpstreamPolicy(config.connectTimeout(), config.firstByteTimeout(), config.idleTimeout(),
                    config.maxAttempts(), config.retryBudget(), config.backoffInitial(), config.backoffMax(),
                    config.breakerFailureRatio(), config.breakerRequestVolume(), config.breakerDelay(),
                    config.bulkheadLimit(), config.bulkheadQueue());
        }
        return new UpstreamPolicy(o.connectTimeout().orElse(config.connectTimeout()),
                o.firstByteTimeout().orElse(config.firstByteTimeout()), o.idleTimeout().orElse(config.idleTimeout()),
                o.maxAttempts().orElse(config.maxAttempts()), o.retryBudget().orElse(config.retryBudget()),
                config.backoffInitial(), config.backoffMax(),
                o.breakerFailureRatio().orElse(config.breakerFailureRatio()),
                o.breakerRequestVolume().orElse(config.breakerRequestVolume()),
                o.breakerDelay().orElse(config.breakerDelay()), o.bulkheadLimit().orElse(config.bulkheadLimit()),
                o.bulkheadQueue().orElse(config.bulkheadQueue()));
    }

    /**
     * Every setting in range, defaults and overrides alike, or an {@link IllegalStateException} naming each that is
     * not: checked at startup, so that a bad value stops the process with its key instead of failing each request to
     * that upstream (the guard is built on the first call, and SmallRye Fault Tolerance refuses a queue of 0).
     */
    static void validate(UpstreamPolicyConfig config) {
        List<String> problems = new ArrayList<>();
        String all = "tollgate.upstream.";
        positive(problems, all + "connect-timeout", Optional.of(config.connectTimeout()));
        positive(problems, all + "first-byte-timeout", Optional.of(config.firstByteTimeout()));
        positive(problems, all + "idle-timeout", Optional.of(config.idleTimeout()));
        atLeastOne(problems, all + "max-attempts", Optional.of(config.maxAttempts()));
        notNegative(problems, all + "retry-budget", Optional.of(config.retryBudget()));
        notNegative(problems, all + "backoff-initial", Optional.of(config.backoffInitial()));
        if (config.backoffMax().compareTo(config.backoffInitial()) < 0) {
            problems.add(all + "backoff-max must be at least backoff-initial (" + config.backoffInitial() + "), got "
                    + config.backoffMax());
        }
        ratio(problems, all + "breaker-failure-ratio", Optional.of(config.breakerFailureRatio()));
        atLeastOne(problems, all + "breaker-request-volume", Optional.of(config.breakerRequestVolume()));
        notNegative(problems, all + "breaker-delay", Optional.of(config.breakerDelay()));
        atLeastOne(problems, all + "bulkhead-limit", Optional.of(config.bulkheadLimit()));
        atLeastOne(problems, all + "bulkhead-queue", Optional.of(config.bulkheadQueue()));
        atLeastOne(problems, all + "max-connections-per-upstream", Optional.of(config.maxConnectionsPerUpstream()));
        for (Map.Entry<String, UpstreamPolicyConfig.Override> e : config.named().entrySet()) {
            String one = all + "named.\"" + e.getKey() + "\".";
            UpstreamPolicyConfig.Override o = e.getValue();
            positive(problems, one + "connect-timeout", o.connectTimeout());
            positive(problems, one + "first-byte-timeout", o.firstByteTimeout());
            positive(problems, one + "idle-timeout", o.idleTimeout());
            atLeastOne(problems, one + "max-attempts", o.maxAttempts());
            notNegative(problems, one + "retry-budget", o.retryBudget());
            ratio(problems, one + "breaker-failure-ratio", o.breakerFailureRatio());
            atLeastOne(problems, one + "breaker-request-volume", o.breakerRequestVolume());
            notNegative(problems, one + "breaker-delay", o.breakerDelay());
            atLeastOne(problems, one + "bulkhead-limit", o.bulkheadLimit());
            atLeastOne(problems, one + "bulkhead-queue", o.bulkheadQueue());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid upstream settings: " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String key, Optional<Duration> value) {
        value.filter(d -> d.isNegative() || d.toMillis() < 1)
                .ifPresent(d -> problems.add(key + " must be at least 1ms, got " + d));
    }

    private static void notNegative(List<String> problems, String key, Optional<Duration> value) {
        value.filter(Duration::isNegative).ifPresent(d -> problems.add(key + " must not be negative, got " + d));
    }

    private static void atLeastOne(List<String> problems, String key, Optional<Integer> value) {
        value.filter(n -> n < 1).ifPresent(n -> problems.add(key + " must be at least 1, got " + n));
    }

    private static void ratio(List<String> problems, String key, Optional<Double> value) {
        value.filter(r -> !(r > 0 && r <= 1)).ifPresent(r -> problems.add(key + " must be above 0 and at most 1, got " + r));
    }
}
