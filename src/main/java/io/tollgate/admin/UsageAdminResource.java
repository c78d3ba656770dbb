package io.tollgate.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
import io.tollgate.admin.dto.UsageResponse;
import io.tollgate.error.GatewayException;
import io.tollgate.tenant.TenantService;
import io.tollgate.usage.UsageGrouping;
import io.tollgate.usage.UsageService;

@Path("/admin/v1/tenants/{tenantId}/usage")
@SecurityRequirement(name = "adminToken")
public class UsageAdminResource {

    static final String CSV = "text/csv";
    private final UsageService usage;
    private final TenantService tenants;
    private final Clock clock;

    public UsageAdminResource(UsageService usage, TenantService tenants, Clock clock) {
        this.usage = usage;
        this.tenants = tenants;
        this.clock = clock;
    }

    /**
     * Requests and tokens in [from, to) by day, model or key. {@code from}/{@code to}: a date (UTC) or an ISO
     * timestamp; default: this month so far. JSON, or CSV with {@code Accept: text/csv} or {@code format=csv}.
     */
    @GET
    @Produces({ MediaType.APPLICATION_JSON, CSV })
    public Uni<RestResponse<Object>> report(@RestPath UUID tenantId, @RestQuery String from, @RestQuery String to,
            @RestQuery String groupBy, @RestQuery String format, @RestHeader(HttpHeaders.ACCEPT) String accept) {
        UsageGrouping grouping = groupBy == null || groupBy.isBlank() ? UsageGrouping.DAY : UsageGrouping.parse(groupBy);
        if (grouping == null) {
            throw GatewayException.invalidField("groupBy", "Query parameter 'groupBy' must be one of day, model, key");
        }
        LocalDate today = LocalDate.now(clock);
        Instant start = from == null || from.isBlank()
                ? today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                : parseTime("from", from);
        Instant end = to == null || to.isBlank() ? today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                : parseTime("to", to);
        if (!start.isBefore(end)) {
            throw GatewayException.invalidField("to", "Query parameter 'to' must be after 'from'");
        }
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accept != null && accept.contains(CSV)
                && !accept.contains(MediaType.APPLICATION_JSON));
        return tenants.get(tenantId).chain(t -> usage.report(tenantId, start, end, grouping)).map(rows -> csv
                ? RestResponse.ResponseBuilder.ok((Object) UsageService.toCsv(grouping, rows), CSV).build()
                : RestResponse.ResponseBuilder.ok((Object) new UsageResponse(tenantId, start, end, grouping.label(), rows),
                        MediaType.APPLICATION_JSON).build());
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
