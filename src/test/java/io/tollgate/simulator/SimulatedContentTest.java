package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimulatedContentTest {

    @Test
    void everyReplyPieceIsExactlyOneToken() {
        for (int i = 0; i < 100; i++) {
            assertEquals(4, SimulatedContent.replyPiece(i).length());
            assertEquals(1, TokenCount.of(SimulatedContent.replyPiece(i)));
        }
    }

    @Test
    void aReplyOfNTokensCountsNTokens() {
        for (int n : new int[] { 0, 1, 12, 37, 500 }) {
            assertEquals(n, TokenCount.of(SimulatedContent.replyText(n)));
        }
        assertEquals(SimulatedContent.replyText(3), SimulatedContent.replyText(5).substring(0, 12));
    }

    @Test
    void relevanceStaysInRangeAndRanksSharedWordsHigher() {
        String query = "tune the database connection pool";
        double none = SimulatedContent.relevance(query, "Metrics show app health.");
        double some = SimulatedContent.relevance(query, "The pool is shared.");
        double most = SimulatedContent.relevance(query, "Tune the connection pool of the database.");

        assertTrue(none < some && some < most, none + " " + some + " " + most);
        assertTrue(none >= 0.1 && most <= 1.0);
        assertEquals(most, SimulatedContent.relevance(query, "Tune the connection pool of the database."));
    }
}
