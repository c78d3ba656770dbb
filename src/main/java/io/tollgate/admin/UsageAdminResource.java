package io.tollgate.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.tollgate.admin.dto.BudgetResponse;
import io.tollgate.admin.dto.UsageResponse;
import io.tollgate.budget.BudgetService;
import io.tollgate.error.GatewayException;
import io.tollgate.tenant.TenantService;
import io.tollgate.usage.UsageGrouping;
import io.tollgate.usage.UsagePage;
import io.tollgate.usage.UsageRow;
import io.tollgate.usage.UsageService;

@Path("/admin/v1/tenants/{tenantId}/usage")
@SecurityRequirement(name = "adminToken")
public class UsageAdminResource {

    static final String CSV = "text/csv";
    private final UsageService usage;
    private final TenantService tenants;
    private final BudgetService budgets;
    private final Clock clock;

    public UsageAdminResource(UsageService usage, TenantService tenants, BudgetService budgets, Clock clock) {
        this.usage = usage;
        this.tenants = tenants;
        this.budgets = budgets;
        this.clock = clock;
    }

    /**
     * Requests, tokens and cost in [from, to) by day, month, model or key. {@code from}/{@code to}: a date (UTC) or
     * an ISO timestamp; default: this month so far. JSON, or CSV with {@code Accept: text/csv} or {@code format=csv}.
     */
    @GET
    @Produces({ MediaType.APPLICATION_JSON, CSV })
    public Uni<RestResponse<Object>> report(@RestPath UUID tenantId, @RestQuery String from, @RestQuery String to,
            @RestQuery String groupBy, @RestQuery String format, @RestHeader(HttpHeaders.ACCEPT) String accept) {
        UsageGrouping grouping = grouping(groupBy, UsageGrouping.DAY, false);
        Range range = range(from, to, clock);
        Uni<List<UsageRow>> report = tenants.get(tenantId)
                .chain(t -> usage.report(tenantId, range.from(), range.to(), grouping));
        if (csv(format, accept)) {
            return report.map(rows -> answer(tenantId, range, grouping, rows, null, format, accept));
        }
        // JSON carries the tenant's budget beside the rows
        return report.chain(rows -> budgets.tenantStatus(tenantId).map(status -> answer(tenantId, range, grouping, rows,
                status.budget().none() ? null : BudgetResponse.of(tenantId, status.budget(), status.spend()), format,
                accept)));
    }

    /**
     * The raw rows for audit, oldest first, each with its request id (the x-request-id the client saw), status,
     * tokens and cost; {@code limit} per page (default 100, at most 1000), {@code cursor} from the previous page.
     */
    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UsagePage> events(@RestPath UUID tenantId, @RestQuery String from, @RestQuery String to,
            @RestQuery String requestId, @RestQuery String cursor, @RestQuery Integer limit) {
        Range range = range(from, to, clock);
        int size = limit == null ? 100 : limit;
        return tenants.get(tenantId).chain(t -> usage.events(tenantId, range.from(), range.to(),
                requestId == null || requestId.isBlank() ? null : requestId, cursor, size));
    }

    /** @param budget the tenant's budget status for the JSON answer (null: none, or not a tenant's report) */
    static RestResponse<Object> answer(UUID tenantId, Range range, UsageGrouping grouping, List<UsageRow> rows,
            BudgetResponse budget, String format, String accept) {
        return csv(format, accept)
                ? csvAnswer(UsageService.toCsv(grouping, rows), "usage-" + (tenantId == null ? "all" : tenantId) + "-"
                        + fileDate(range.from()) + "-to-" + fileDate(range.to()) + "-by-" + grouping.label())
                : RestResponse.ResponseBuilder.ok((Object) new UsageResponse(tenantId, range.from(), range.to(),
                        grouping.label(), rows, budget), MediaType.APPLICATION_JSON).build();
    }

    /** A CSV with a file name, which a browser saves it under. */
    static RestResponse<Object> csvAnswer(String csv, String name) {
        return RestResponse.ResponseBuilder.ok((Object) csv, CSV)
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"").build();
    }

    /** {@code 2026-11-01}, or {@code 2026-11-29T10-15-00Z} for a range that does not start or end at midnight. */
    private static String fileDate(Instant instant) {
        String text = instant.toString();
        return text.endsWith("T00:00:00Z") ? text.substring(0, 10) : text.replace(':', '-');
    }

    static boolean csv(String format, String accept) {
        return "csv".equalsIgnoreCase(format) || (format == null && accept != null && accept.contains(CSV)
                && !accept.contains(MediaType.APPLICATION_JSON));
    }

    static UsageGrouping grouping(String groupBy, UsageGrouping fallback, boolean acrossTenants) {
        UsageGrouping grouping = groupBy == null || groupBy.isBlank() ? fallback : UsageGrouping.parse(groupBy);
        if (grouping == null || (grouping == UsageGrouping.TENANT && !acrossTenants)) {
            throw GatewayException.invalidField("groupBy", "Query parameter 'groupBy' must be one of day, month, model, key"
                    + (acrossTenants ? ", tenant" : ""));
        }
        return grouping;
    }

    /** [from, to); default: this month so far (UTC). */
    record Range(Instant from, Instant to) {
    }

    static Range range(String from, String to, Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Instant start = from == null || from.isBlank()
                ? today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                : parseTime("from", from);
        Instant end = to == null || to.isBlank() ? today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                : parseTime("to", to);
        if (!start.isBefore(end)) {
            throw GatewayException.invalidField("to", "Query parameter 'to' must be after 'from'");
        }
        return new Range(start, end);
    }

    static Instant parseTime(String field, String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw GatewayException.invalidField(field,
                    "Query parameter '" + field + "' must be a date (2026-11-01) or an ISO timestamp (2026-11-01T00:00:00Z)");
        }
    }
}
