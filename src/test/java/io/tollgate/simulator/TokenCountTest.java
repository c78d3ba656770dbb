package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TokenCountTest {

    @Test
    void countsAboutFourCodePointsPerToken() {
        assertEquals(0, TokenCount.of(""));
        assertEquals(0, TokenCount.of(null));
        assertEquals(1, TokenCount.of("a"));
        assertEquals(1, TokenCount.of("abcd"));
        assertEquals(2, TokenCount.of("abcde"));
        assertEquals(3, TokenCount.of("Hello, world"));
    }

    @Test
    void countsCodePointsNotUtf16Units() {
        // four emoji are eight UTF-16 units but four code points
        assertEquals(1, TokenCount.of("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"));
    }

    @Test
    void sumsStringAndTextPartContent() {
        var messages = SimulatorClient.json("[{\"role\":\"system\",\"content\":\"abcdefgh\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"abc\"},{\"type\":\"image_url\",\"image_url\":{}}]},"
                + "{\"role\":\"assistant\",\"content\":null}]");

        assertEquals(3, TokenCount.ofMessages(messages));
        assertEquals(4, TokenCount.ofAnthropic(SimulatorClient.json("[{\"type\":\"text\",\"text\":\"sys\"}]"), messages));
        assertEquals(0, TokenCount.ofMessages(null));
    }
}
