package io.tollgate.admin.dto;

import java.time.OffsetDateTime;

/**
 * A new price version. Token prices: micro-dollars per million tokens ($3.00 per 1M = 3000000); images and rerank
 * search units: micro-dollars each. {@code effectiveFrom} absent: now.
 */
public record CreatePriceRequest(String model, OffsetDateTime effectiveFrom, Long inputPerMTokMicros,
        Long cachedInputPerMTokMicros, Long outputPerMTokMicros, Long perImageMicros, Long perSearchUnitMicros) {
}
