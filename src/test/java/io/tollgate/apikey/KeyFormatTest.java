package io.tollgate.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class KeyFormatTest {

    @Test
    void newKeysHaveThePrefixAnd256RandomBits() {
        String a = KeyFormat.newSecret();
        String b = KeyFormat.newSecret();
        assertTrue(a.startsWith("tg-"));
        assertEquals(46, a.length());
        assertNotEquals(a, b);
        assertTrue(KeyFormat.looksValid(a));
        assertEquals(a.substring(0, 11), KeyFormat.displayPrefix(a));
    }

    @Test
    void garbageIsRejectedBeforeAnyHashing() {
        assertFalse(KeyFormat.looksValid(null));
        assertFalse(KeyFormat.looksValid("sk-abc"));
        assertFalse(KeyFormat.looksValid("tg-" + "a".repeat(42) + "!"));
    }

    @Test
    void theHashDependsOnTheServerSecret() {
        ApiKeyConfig one = () -> Optional.of("x".repeat(40));
        ApiKeyConfig two = () -> Optional.of("y".repeat(40));
        String key = KeyFormat.newSecret();
        assertFalse(KeyHasher.matches(new KeyHasher(one).hash(key), new KeyHasher(two).hash(key)));
        assertTrue(KeyHasher.matches(new KeyHasher(one).hash(key), new KeyHasher(one).hash(key)));
    }

    @Test
    void refusesAMissingOrShortSecret() {
        assertThrows(IllegalStateException.class, () -> new KeyHasher(Optional::empty));
        assertThrows(IllegalStateException.class, () -> new KeyHasher(() -> Optional.of("short")));
    }
}
