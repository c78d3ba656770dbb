package io.tollgate.upstream;

import java.time.Duration;

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
}
