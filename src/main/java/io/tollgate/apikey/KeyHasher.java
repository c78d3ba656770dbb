package io.tollgate.apikey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

/**
 * HMAC-SHA-256 of a presented key with the server secret: what is stored and looked up. A leaked database alone
 * does not let anyone test guesses offline.
 */
@Startup
@Singleton
public class KeyHasher {

    static final int MIN_SECRET_LENGTH = 32;

    private final ThreadLocal<Mac> macs;

    public KeyHasher(ApiKeyConfig config) {
        byte[] secret = config.secret().orElseThrow(() -> new IllegalStateException(
                "TOLLGATE_KEY_SECRET is not set: give every replica the same random secret of at least "
                        + MIN_SECRET_LENGTH + " characters (e.g. openssl rand -base64 48)"))
                .getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_SECRET_LENGTH) {
            throw new IllegalStateException(
                    "TOLLGATE_KEY_SECRET must be at least " + MIN_SECRET_LENGTH + " characters of random data");
        }
        SecretKeySpec keySpec = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(keySpec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    public byte[] hash(String presentedKey) {
        return macs.get().doFinal(presentedKey.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean matches(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
