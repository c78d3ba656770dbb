package io.tollgate.apikey;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Keys look like {@code tg-} followed by 43 URL-safe characters (256 random bits). The first 8 characters after the
 * prefix are shown as the key's public prefix so that people can tell their keys apart.
 */
public final class KeyFormat {

    public static final String PREFIX = "tg-";
    static final int RANDOM_BYTES = 32;
    static final int DISPLAY_CHARS = 8;
    private static final int ENCODED_LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFormat() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String displayPrefix(String secret) {
        return secret.substring(0, PREFIX.length() + DISPLAY_CHARS);
    }

    /** A cheap shape check, so that garbage never costs a hash or a database lookup. */
    public static boolean looksValid(String presented) {
        if (presented == null || presented.length() != PREFIX.length() + ENCODED_LENGTH || !presented.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < presented.length(); i++) {
            char c = presented.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
