package io.tollgate.budget;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.budget")
public interface BudgetConfig {

    /**
     * How long a budget and a month's spend are used before they are read again. Bounds the overshoot: requests
     * admitted within this window after the spend crossed the budget still run.
     */
    @WithDefault("1s")
    Duration refreshInterval();
}
