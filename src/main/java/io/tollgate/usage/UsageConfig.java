package io.tollgate.usage;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.usage")
public interface UsageConfig {

    /** How often queued usage rows are written (many requests share one insert). */
    @WithDefault("200ms")
    Duration flushInterval();

    /** Most rows in one insert. */
    @WithDefault("1000")
    int batchSize();

    /** Queued rows past which a warning is logged each flush (the database is not keeping up or is down). */
    @WithDefault("100000")
    int warnQueued();
}
