package io.tollgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.tollgate.error.GatewayException;

class ModelPageTest {

    private static final List<String> IDS = List.of("a", "b", "c", "d", "e");

    private static ModelPage page(String limit, String afterId, String beforeId) {
        return ModelPage.of(IDS, ModelPage.Query.of(limit, afterId, beforeId, List.of()));
    }

    @Test
    void firstPageIsTheLimitFromTheStartAndSaysThereIsMore() {
        ModelPage page = page("2", null, null);
        assertEquals(List.of("a", "b"), page.ids());
        assertTrue(page.hasMore());
    }

    @Test
    void afterIdPagesForwardToTheEnd() {
        assertEquals(List.of("c", "d"), page("2", "b", null).ids());
        ModelPage last = page("2", "d", null);
        assertEquals(List.of("e"), last.ids());
        assertFalse(last.hasMore());
    }

    @Test
    void beforeIdPagesBackwardTakingThePageJustBeforeTheCursor() {
        ModelPage page = page("2", null, "e");
        assertEquals(List.of("c", "d"), page.ids());
        assertTrue(page.hasMore(), "a and b are still before it");
        assertFalse(page("2", null, "c").hasMore());
    }

    @Test
    void aCursorWhoseModelHasGonePagesOnFromWhereItWas() {
        assertEquals(List.of("c", "d"), page("2", "bb", null).ids());
    }

    @Test
    void withoutALimitAllOfAShortListFitsOnePage() {
        ModelPage page = page(null, null, null);
        assertEquals(IDS, page.ids());
        assertFalse(page.hasMore());
        assertEquals(ModelPage.DEFAULT_LIMIT, ModelPage.Query.of(null, null, null, List.of()).limit());
    }

    @Test
    void limitOutsideOneToAThousandOrNotANumberIsRefusedNamingTheParameter() {
        for (String bad : List.of("0", "1001", "-3", "ten", "2.5", "")) {
            GatewayException e = assertThrows(GatewayException.class, () -> ModelPage.Query.of(bad, null, null, List.of()),
                    bad);
            assertEquals(400, e.status());
            assertEquals("limit", e.body().error().param());
        }
        assertEquals(1000, ModelPage.Query.of("1000", null, null, List.of()).limit());
    }

    @Test
    void aLifecycleFilterWithoutActiveMatchesNothingForEveryModelIsActive() {
        assertEquals(IDS, ModelPage.of(IDS, ModelPage.Query.of(null, null, null, List.of("deprecated", "active"))).ids());
        ModelPage none = ModelPage.of(IDS, ModelPage.Query.of(null, null, null, List.of("retired")));
        assertEquals(List.of(), none.ids());
        assertFalse(none.hasMore());
    }

    @Test
    void bothCursorsAtOnceAreRefused() {
        assertEquals(400, assertThrows(GatewayException.class, () -> ModelPage.Query.of(null, "a", "c", List.of())).status());
    }
}
