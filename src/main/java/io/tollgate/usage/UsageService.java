package io.tollgate.usage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.tollgate.error.GatewayException;

/** Usage reports, raw rows for audit and monthly statements. */
@ApplicationScoped
public class UsageService {

    public static final int MAX_PAGE = 1000;

    private final UsageRepository usage;

    public UsageService(UsageRepository usage) {
        this.usage = usage;
    }

    /** @param tenantId null: across all tenants */
    public Uni<List<UsageRow>> report(UUID tenantId, Instant from, Instant to, UsageGrouping grouping) {
        return usage.aggregate(tenantId, from, to, grouping);
    }

    /** A page of a tenant's raw rows; {@code cursor} is the previous page's {@code nextCursor}. */
    public Uni<UsagePage> events(UUID tenantId, Instant from, Instant to, String requestId, String cursor, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw GatewayException.invalidField("limit", "Query parameter 'limit' must be between 1 and " + MAX_PAGE);
        }
        Instant afterTime = null;
        String afterId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int sep = decoded.indexOf(' ');
                afterTime = Instant.parse(decoded.substring(0, sep));
                afterId = decoded.substring(sep + 1);
            } catch (RuntimeException e) {
                throw GatewayException.invalidField("cursor", "Query parameter 'cursor' is not a cursor this API gave");
            }
        }
        return usage.events(tenantId, from, to, requestId, afterTime, afterId, limit + 1).map(rows -> {
            if (rows.size() <= limit) {
                return new UsagePage(rows, null);
            }
            List<UsageRecord> page = rows.subList(0, limit);
            UsageRecord last = page.get(limit - 1);
            String next = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.createdAt() + " " + last.requestId()).getBytes(StandardCharsets.UTF_8));
            return new UsagePage(List.copyOf(page), next);
        });
    }

    /** The tenant's month by model, from the rollup: the lines and their total are exact sums of the rows. */
    public Uni<Statement> statement(UUID tenantId, YearMonth month) {
        Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return usage.aggregate(tenantId, from, to, UsageGrouping.MODEL).map(lines -> {
            long requests = 0, input = 0, cached = 0, output = 0, total = 0, images = 0, units = 0, cost = 0, unpriced = 0,
                    estimated = 0;
            for (UsageRow l : lines) {
                requests += l.requests();
                input += l.inputTokens();
                cached += l.cachedInputTokens();
                output += l.outputTokens();
                total += l.totalTokens();
                images += l.images();
                units += l.searchUnits();
                cost = Math.addExact(cost, l.costMicros());
                unpriced += l.unpricedRequests();
                estimated += l.estimatedRequests();
            }
            return new Statement(tenantId, month, lines,
                    new UsageRow("total", requests, input, cached, output, total, images, units, cost, unpriced,
                            estimated));
        });
    }

    /** The report as CSV, with a header line; the group column is named after the grouping. */
    public static String toCsv(String groupLabel, List<UsageRow> rows) {
        StringBuilder csv = new StringBuilder(groupLabel).append(
                ",requests,input_tokens,cached_input_tokens,output_tokens,total_tokens,images,search_units,cost_micros,cost_usd,unpriced_requests,"
                        + "estimated_requests\n");
        for (UsageRow r : rows) {
            csv.append(csvField(r.group())).append(',').append(r.requests()).append(',').append(r.inputTokens())
                    .append(',').append(r.cachedInputTokens()).append(',').append(r.outputTokens()).append(',')
                    .append(r.totalTokens()).append(',')
                    .append(r.images()).append(',').append(r.searchUnits()).append(',').append(r.costMicros())
                    .append(',').append(Statement.usd(r.costMicros())).append(',').append(r.unpricedRequests())
                    .append(',').append(r.estimatedRequests()).append('\n');
        }
        return csv.toString();
    }

    public static String toCsv(UsageGrouping grouping, List<UsageRow> rows) {
        return toCsv(grouping.label(), rows);
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
