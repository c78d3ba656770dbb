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
import io.tollgate.admin.dto.CreateTenantRequest;
import io.tollgate.admin.dto.TenantResponse;
import io.tollgate.admin.dto.UpdateTenantRequest;
import io.tollgate.error.GatewayException;
import io.tollgate.tenant.TenantService;

@Path("/admin/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "adminToken")
public class TenantAdminResource {

    private final TenantService tenants;

    public TenantAdminResource(TenantService tenants) {
        this.tenants = tenants;
    }

    @POST
    public Uni<RestResponse<TenantResponse>> create(CreateTenantRequest request) {
        requireBody(request);
        return tenants.create(request.name(), request.limits())
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
        return tenants.update(tenantId, request.name(), request.limits()).map(TenantResponse::of);
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
