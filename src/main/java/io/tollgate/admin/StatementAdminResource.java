package io.tollgate.admin;

import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
import io.tollgate.admin.dto.StatementResponse;
import io.tollgate.error.GatewayException;
import io.tollgate.tenant.TenantService;
import io.tollgate.usage.UsageRow;
import io.tollgate.usage.UsageService;

/** A tenant's monthly statement: usage and cost by model for one UTC calendar month. */
@Path("/admin/v1/tenants/{tenantId}/statements")
@SecurityRequirement(name = "adminToken")
public class StatementAdminResource {

    private final UsageService usage;
    private final TenantService tenants;

    public StatementAdminResource(UsageService usage, TenantService tenants) {
        this.usage = usage;
        this.tenants = tenants;
    }

    @GET
    @Path("/{month}")
    @Produces({ MediaType.APPLICATION_JSON, UsageAdminResource.CSV })
    public Uni<RestResponse<Object>> statement(@RestPath UUID tenantId, @RestPath String month, @RestQuery String format,
            @RestHeader(HttpHeaders.ACCEPT) String accept) {
        YearMonth ym;
        try {
            ym = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw GatewayException.invalidField("month", "The month must be written yyyy-mm, e.g. 2026-11");
        }
        return tenants.get(tenantId).chain(t -> usage.statement(tenantId, ym)).map(s -> {
            if (UsageAdminResource.csv(format, accept)) {
                List<UsageRow> lines = new ArrayList<>(s.lines());
                lines.add(s.total());
                return UsageAdminResource.csvAnswer(UsageService.toCsv("model", lines), "statement-" + tenantId + "-" + ym);
            }
            return RestResponse.ResponseBuilder.ok((Object) StatementResponse.of(s), MediaType.APPLICATION_JSON).build();
        });
    }

}
