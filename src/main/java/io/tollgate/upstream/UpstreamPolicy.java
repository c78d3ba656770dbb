package io.tollgate.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

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
     * One setting that has a range: its key under {@code tollgate.upstream.}, how to read its default and its
     * per-upstream override ({@link #noOverride} for a setting that has none), and the range.
     */
    private record Setting<T>(String key, Function<UpstreamPolicyConfig, T> all,
            Function<UpstreamPolicyConfig.Override, Optional<T>> one, Predicate<T> ok, String rule) {

        void check(UpstreamPolicyConfig config, List<String> problems) {
            report(problems, "tollgate.upstream." + key, all.apply(config));
            config.named().forEach((name, o) -> one.apply(o)
                    .ifPresent(v -> report(problems, "tollgate.upstream.named.\"" + name + "\"." + key, v)));
        }

        private void report(List<String> problems, String fullKey, T value) {
            if (!ok.test(value)) {
                problems.add(fullKey + " " + rule + ", got " + value);
            }
        }
    }

    private static final Predicate<Duration> AT_LEAST_1MS = d -> !d.isNegative() && d.toMillis() >= 1;
    private static final Predicate<Duration> NOT_NEGATIVE = d -> !d.isNegative();
    private static final Predicate<Integer> AT_LEAST_1 = n -> n >= 1;

    private static <T> Optional<T> noOverride(UpstreamPolicyConfig.Override ignored) {
        return Optional.empty();
    }

    private static final List<Setting<?>> SETTINGS = List.of(
            new Setting<>("connect-timeout", UpstreamPolicyConfig::connectTimeout,
                    UpstreamPolicyConfig.Override::connectTimeout, AT_LEAST_1MS, "must be at least 1ms"),
            new Setting<>("first-byte-timeout", UpstreamPolicyConfig::firstByteTimeout,
                    UpstreamPolicyConfig.Override::firstByteTimeout, AT_LEAST_1MS, "must be at least 1ms"),
            new Setting<>("idle-timeout", UpstreamPolicyConfig::idleTimeout, UpstreamPolicyConfig.Override::idleTimeout,
                    AT_LEAST_1MS, "must be at least 1ms"),
            new Setting<>("max-attempts", UpstreamPolicyConfig::maxAttempts, UpstreamPolicyConfig.Override::maxAttempts,
                    AT_LEAST_1, "must be at least 1"),
            new Setting<>("retry-budget", UpstreamPolicyConfig::retryBudget, UpstreamPolicyConfig.Override::retryBudget,
                    NOT_NEGATIVE, "must not be negative"),
            new Setting<>("backoff-initial", UpstreamPolicyConfig::backoffInitial, UpstreamPolicy::noOverride, NOT_NEGATIVE,
                    "must not be negative"),
            new Setting<>("breaker-failure-ratio", UpstreamPolicyConfig::breakerFailureRatio,
                    UpstreamPolicyConfig.Override::breakerFailureRatio, r -> r > 0 && r <= 1,
                    "must be above 0 and at most 1"),
            new Setting<>("breaker-request-volume", UpstreamPolicyConfig::breakerRequestVolume,
                    UpstreamPolicyConfig.Override::breakerRequestVolume, AT_LEAST_1, "must be at least 1"),
            new Setting<>("breaker-delay", UpstreamPolicyConfig::breakerDelay, UpstreamPolicyConfig.Override::breakerDelay,
                    NOT_NEGATIVE, "must not be negative"),
            new Setting<>("bulkhead-limit", UpstreamPolicyConfig::bulkheadLimit,
                    UpstreamPolicyConfig.Override::bulkheadLimit, AT_LEAST_1, "must be at least 1"),
            new Setting<>("bulkhead-queue", UpstreamPolicyConfig::bulkheadQueue,
                    UpstreamPolicyConfig.Override::bulkheadQueue, AT_LEAST_1, "must be at least 1"),
            new Setting<>("max-connections-per-upstream", UpstreamPolicyConfig::maxConnectionsPerUpstream,
                    UpstreamPolicy::noOverride, AT_LEAST_1, "must be at least 1"));

    /**
     * Every setting in range, defaults and overrides alike, or an {@link IllegalStateException} naming each that is
     * not: checked at startup, so that a bad value stops the process with its key instead of failing each request to
     * that upstream (the guard is built on the first call, and SmallRye Fault Tolerance refuses a queue of 0).
     */
    static void validate(UpstreamPolicyConfig config) {
        List<String> problems = new ArrayList<>();
        SETTINGS.forEach(setting -> setting.check(config, problems));
        if (config.backoffMax().compareTo(config.backoffInitial()) < 0) {
            problems.add("tollgate.upstream.backoff-max must be at least backoff-initial (" + config.backoffInitial()
                    + "), got " + config.backoffMax());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid upstream settings: " + String.join("; ", problems));
        }
    }
}
