package io.tollgate.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.auth")
public interface AuthConfig {

    /** How many resolved keys are kept in memory. */
    @WithDefault("100000")
    long cacheSize();

    /**
     * How long a resolved key is trusted without asking the database. Revocation reaches every replica at once by
     * LISTEN/NOTIFY; this bounds the delay should a notification ever be missed.
     */
    @WithDefault("60s")
    Duration cacheTtl();

    /** How long an unknown key is remembered as unknown (a flood of bad keys does not reach the database). */
    @WithDefault("5s")
    Duration unknownKeyTtl();

    /**
     * While PostgreSQL cannot be asked, a key the database confirmed within this long keeps working (from the
     * cache); unknown keys get 503. Bounds how long a key revoked during an outage could still be used.
     */
    @WithDefault("15m")
    Duration outageGrace();
}
