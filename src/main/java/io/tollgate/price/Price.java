package io.tollgate.price;

import java.time.Instant;

/**
 * One version of a model's price, in force for usage created from {@code effectiveFrom} until the model's next
 * version. Token prices are micro-dollars per million tokens; image and search-unit prices micro-dollars each.
 */
public record Price(long id, String model, Instant effectiveFrom, long inputPerMTokMicros, Long cachedInputPerMTokMicros,
        long outputPerMTokMicros, long perImageMicros, long perSearchUnitMicros, Instant createdAt) {
}
