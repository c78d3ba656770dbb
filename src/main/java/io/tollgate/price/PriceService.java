package io.tollgate.price;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.tollgate.error.ErrorType;
import io.tollgate.error.GatewayException;

/**
 * The price book. Versions are only ever added, never changed or deleted: every usage row names the version that
 * priced it, so an old bill can be reproduced. A row is priced when it is written, by the version in force at its
 * creation time; a version added later (even with an earlier effective date) does not reprice rows already written.
 */
@ApplicationScoped
public class PriceService {

    private final PriceRepository prices;
    private final Clock clock;

    public PriceService(PriceRepository prices, Clock clock) {
        this.prices = prices;
        this.clock = clock;
    }

    public Uni<List<Price>> list(String model) {
        return prices.list(model == null || model.isBlank() ? null : model);
    }

    /** Adds a version; {@code effectiveFrom} null means now. */
    public Uni<Price> add(Price price) {
        if (price.model() == null || price.model().isBlank()) {
            throw GatewayException.invalidField("model", "Field 'model' is required");
        }
        requireNotNegative("inputPerMTokMicros", price.inputPerMTokMicros());
        requireNotNegative("outputPerMTokMicros", price.outputPerMTokMicros());
        requireNotNegative("perImageMicros", price.perImageMicros());
        requireNotNegative("perSearchUnitMicros", price.perSearchUnitMicros());
        if (price.cachedInputPerMTokMicros() != null) {
            requireNotNegative("cachedInputPerMTokMicros", price.cachedInputPerMTokMicros());
        }
        Price version = new Price(0, price.model().strip(),
                price.effectiveFrom() == null ? clock.instant() : price.effectiveFrom(), price.inputPerMTokMicros(),
                price.cachedInputPerMTokMicros(), price.outputPerMTokMicros(), price.perImageMicros(),
                price.perSearchUnitMicros(), null);
        return prices.insert(version).map(saved -> {
            if (saved == null) {
                throw new GatewayException(409, ErrorType.INVALID_REQUEST, "price_version_exists", "effectiveFrom",
                        "Model '" + version.model() + "' already has a price from " + version.effectiveFrom()
                                + "; versions are never changed, add one with another effectiveFrom",
                        Map.of());
            }
            return saved;
        });
    }

    private static void requireNotNegative(String field, long value) {
        if (value < 0) {
            throw GatewayException.invalidField(field, "Field '" + field + "' must not be negative");
        }
    }
}
