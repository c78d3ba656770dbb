package io.tollgate.admin.dto;

import java.util.List;
import java.util.UUID;

import io.tollgate.usage.Statement;
import io.tollgate.usage.UsageRow;

/** {@code total.costMicros} is the exact sum of the lines'; {@code totalUsd} the same in dollars. */
public record StatementResponse(UUID tenantId, String month, List<UsageRow> lines, UsageRow total, String totalUsd) {

    public static StatementResponse of(Statement s) {
        return new StatementResponse(s.tenantId(), s.month().toString(), s.lines(), s.total(),
                Statement.usd(s.total().costMicros()));
    }

}
