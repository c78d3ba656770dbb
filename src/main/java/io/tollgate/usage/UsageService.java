package io.tollgate.usage;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/** Usage reports. */
@ApplicationScoped
public class UsageService {

    private final UsageRepository usage;

    public UsageService(UsageRepository usage) {
        this.usage = usage;
    }

    public Uni<List<UsageRow>> report(UUID tenantId, Instant from, Instant to, UsageGrouping grouping) {
        return usage.aggregate(tenantId, from, to, grouping);
    }

    /** The report as CSV, with a header line; the group column is named after the grouping. */
    public static String toCsv(UsageGrouping grouping, List<UsageRow> rows) {
        StringBuilder csv = new StringBuilder(grouping.label())
                .append(",requests,input_tokens,output_tokens,total_tokens,images,search_units\n");
        for (UsageRow r : rows) {
            csv.append(csvField(r.group())).append(',').append(r.requests()).append(',').append(r.inputTokens())
                    .append(',').append(r.outputTokens()).append(',').append(r.totalTokens()).append(',')
                    .append(r.images()).append(',').append(r.searchUnits()).append('\n');
        }
        return csv.toString();
    }

    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        // a leading = + - @ would be a formula in a spreadsheet
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return quote ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
