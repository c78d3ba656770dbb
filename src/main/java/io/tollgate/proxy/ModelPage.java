package io.tollgate.proxy;

import java.util.ArrayList;
import java.util.List;

import io.tollgate.error.GatewayException;

/**
 * One page of Anthropic's model list ({@code GET /v1/models} with {@code limit}, {@code after_id}, {@code before_id}).
 * The ids are in ascending order, and a cursor is compared with them rather than looked up, so a cursor whose model
 * has gone since still pages on from where it was.
 */
record ModelPage(List<String> ids, boolean hasMore) {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;
    static final String ACTIVE = "active";

    /**
     * What the client asked for. {@code lifecycle}: the stages asked for ({@code lifecycle[]}), empty for all; the
     * models Heroku serves are all {@code active}, so a filter without it matches none.
     */
    record Query(int limit, String afterId, String beforeId, boolean active) {

        static Query of(String limit, String afterId, String beforeId, List<String> lifecycle) {
            if (afterId != null && beforeId != null) {
                throw GatewayException.badRequest("Give after_id or before_id, not both");
            }
            return new Query(limit(limit), afterId, beforeId,
                    lifecycle.isEmpty() || lifecycle.stream().anyMatch(stage -> stage.strip().equals(ACTIVE)));
        }

        private static int limit(String value) {
            if (value == null) {
                return DEFAULT_LIMIT;
            }
            try {
                int limit = Integer.parseInt(value.strip());
                if (limit >= 1 && limit <= MAX_LIMIT) {
                    return limit;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw GatewayException.invalidField("limit",
                    "limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + value + "'");
        }
    }

    /** {@code sortedIds} ascending. */
    static ModelPage of(List<String> sortedIds, Query query) {
        if (!query.active()) {
            return new ModelPage(List.of(), false);
        }
        List<String> candidates = new ArrayList<>();
        for (String id : sortedIds) {
            if ((query.afterId() == null || id.compareTo(query.afterId()) > 0)
                    && (query.beforeId() == null || id.compareTo(query.beforeId()) < 0)) {
                candidates.add(id);
            }
        }
        if (candidates.size() <= query.limit()) {
            return new ModelPage(candidates, false);
        }
        // before_id pages backwards: the page is the one just before the cursor
        return query.beforeId() != null
                ? new ModelPage(List.copyOf(candidates.subList(candidates.size() - query.limit(), candidates.size())),
                        true)
                : new ModelPage(List.copyOf(candidates.subList(0, query.limit())), true);
    }
}
