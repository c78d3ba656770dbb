package io.tollgate.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

/** The admin token, checked at startup (a missing or short one stops the app with a clear message). */
@Startup
@ApplicationScoped
public class AdminToken {

    static final int MIN_LENGTH = 16;
    private final byte[] token;

    public AdminToken(AdminConfig config) {
        String value = config.token().filter(t -> !t.isBlank()).orElseThrow(() -> new IllegalStateException(
                "TOLLGATE_ADMIN_TOKEN is not set: the admin API needs a bearer token of at least " + MIN_LENGTH
                        + " characters"));
        if (value.length() < MIN_LENGTH) {
            throw new IllegalStateException("TOLLGATE_ADMIN_TOKEN must be at least " + MIN_LENGTH + " characters");
        }
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
