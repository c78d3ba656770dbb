package io.tollgate.admin.dto;

import java.time.Instant;

import io.tollgate.price.Price;

/** {@code id} is the price version that usage rows name in {@code priceId}. */
public record PriceResponse(long id, String model, Instant effectiveFrom, long inputPerMTokMicros,
        Long cachedInputPerMTokMicros, long outputPerMTokMicros, long perImageMicros, long perSearchUnitMicros,
        Instant createdAt) {

    public static PriceResponse of(Price p) {
        return new PriceResponse(p.id(), p.model(), p.effectiveFrom(), p.inputPerMTokMicros(), p.cachedInputPerMTokMicros(),
                p.outputPerMTokMicros(), p.perImageMicros(), p.perSearchUnitMicros(), p.createdAt());
    }
}
