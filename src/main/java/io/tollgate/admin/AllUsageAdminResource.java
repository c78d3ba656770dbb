package io.tollgate.admin;

import java.time.Clock;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.tollgate.usage.UsageGrouping;
import io.tollgate.usage.UsageService;

/** Usage and cost across every tenant. */
@Path("/admin/v1/usage")
@SecurityRequirement(name = "adminToken")
public class AllUsageAdminResource {

    private final UsageService usage;
    private final Clock clock;

    public AllUsageAdminResource(UsageService usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    /** Like a tenant's report, over all tenants; {@code groupBy} may also be {@code tenant} (the default). */
    @GET
    @Produces({ MediaType.APPLICATION_JSON, UsageAdminResource.CSV })
    public Uni<RestResponse<Object>> report(@RestQuery String from, @RestQuery String to, @RestQuery String groupBy,
            @RestQuery String format, @RestHeader(HttpHeaders.ACCEPT) String accept) {
        UsageGrouping grouping = UsageAdminResource.grouping(groupBy, UsageGrouping.TENANT, true);
        UsageAdminResource.Range range = UsageAdminResource.range(from, to, clock);
        return usage.report(null, range.from(), range.to(), grouping)
                .map(rows -> UsageAdminResource.answer(null, range, grouping, rows, null, format, accept));
    }
}
