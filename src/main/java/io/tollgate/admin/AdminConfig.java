package io.tollgate.admin;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "tollgate.admin")
public interface AdminConfig {

    /** The admin API's bearer token (env TOLLGATE_ADMIN_TOKEN); generated and printed once in dev if unset. */
    Optional<String> token();
}
