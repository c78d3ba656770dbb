package io.tollgate.admin;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.tollgate.admin.dto.BudgetResponse;
import io.tollgate.admin.dto.CreateTenantRequest;
import io.tollgate.admin.dto.TenantResponse;
import io.tollgate.admin.dto.UpdateTenantRequest;
import io.tollgate.budget.BudgetService;
import io.tollgate.error.GatewayException;
import io.tollgate.tenant.Tenant;
import io.tollgate.tenant.TenantService;

@Path("/admin/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "adminToken")
public class TenantAdminResource {

    private final TenantService tenants;
    private final BudgetService budgets;

    public TenantAdminResource(TenantService tenants, BudgetService budgets) {
        this.tenants = tenants;
        this.budgets = budgets;
    }

    @POST
    public Uni<RestResponse<TenantResponse>> create(CreateTenantRequest request) {
        requireBody(request);
        return tenants.create(request.name(), request.limits())
                .call(t -> request.budget() == null ? Uni.createFrom().voidItem()
                        : budgets.setForTenant(t.id, request.budget().toBudget()))
                .map(t -> RestResponse.status(RestResponse.Status.CREATED, TenantResponse.of(t)));
    }

    @GET
    public Uni<List<TenantResponse>> list() {
        return tenants.list().map(all -> all.stream().map(TenantResponse::of).toList());
    }

    @GET
    @Path("/{tenantId}")
    public Uni<TenantResponse> get(@RestPath UUID tenantId) {
        return tenants.get(tenantId).map(TenantResponse::of);
    }

    @PATCH
    @Path("/{tenantId}")
    public Uni<TenantResponse> update(@RestPath UUID tenantId, UpdateTenantRequest request) {
        requireBody(request);
        if (request.name() == null && request.limits() == null && request.budget() == null) {
            throw GatewayException.badRequest("Nothing to change: send 'name', 'limits' and/or 'budget'");
        }
        Uni<Tenant> tenant = request.name() == null && request.limits() == null ? tenants.get(tenantId)
                : tenants.update(tenantId, request.name(), request.limits());
        return tenant.call(t -> request.budget() == null ? Uni.createFrom().voidItem()
                : budgets.setForTenant(tenantId, request.budget().toBudget()))
                .map(TenantResponse::of);
    }

    /** The tenant's monthly budget and this month's spend against it. */
    @GET
    @Path("/{tenantId}/budget")
    public Uni<BudgetResponse> budget(@RestPath UUID tenantId) {
        return tenants.get(tenantId).chain(t -> budgets.tenantStatus(tenantId))
                .map(s -> BudgetResponse.of(tenantId, s.budget(), s.spend()));
    }

    /** Disables the tenant and so all its keys; its usage is kept. */
    @DELETE
    @Path("/{tenantId}")
    public Uni<TenantResponse> delete(@RestPath UUID tenantId) {
        return tenants.disable(tenantId).map(TenantResponse::of);
    }

    static void requireBody(Object body) {
        if (body == null) {
            throw GatewayException.badRequest("A JSON body is required");
        }
    }
}
