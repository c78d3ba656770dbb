package io.tollgate.usage;

import java.time.YearMonth;
import java.util.List;
import java.util.UUID;

/** A tenant's month (UTC) by model; {@code total} is the exact sum of the lines, which are the sums of its rows. */
public record Statement(UUID tenantId, YearMonth month, List<UsageRow> lines, UsageRow total) {

    /** Micro-dollars as dollars, exactly: 1234567 → "1.234567". */
    public static String usd(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
