package io.tollgate.admin;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.tollgate.admin.dto.CreateKeyRequest;
import io.tollgate.admin.dto.KeyResponse;
import io.tollgate.apikey.ApiKeyService;
import io.tollgate.budget.BudgetService;

@Path("/admin/v1/tenants/{tenantId}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "adminToken")
public class TenantKeyAdminResource {

    private final ApiKeyService keys;
    private final BudgetService budgets;
    private final Clock clock;

    public TenantKeyAdminResource(ApiKeyService keys, BudgetService budgets, Clock clock) {
        this.keys = keys;
        this.budgets = budgets;
        this.clock = clock;
    }

    /** Issues a key. The answer's {@code key} is the secret, shown this once and never again. */
    @POST
    public Uni<RestResponse<KeyResponse>> create(@RestPath UUID tenantId, CreateKeyRequest request) {
        TenantAdminResource.requireBody(request);
        return keys.issue(tenantId, request.name(), request.expiresAt(), request.models(), request.limits())
                .call(issued -> request.budget() == null ? Uni.createFrom().voidItem()
                        : budgets.setForKey(issued.key().id, request.budget().toBudget()))
                .map(issued -> RestResponse.status(RestResponse.Status.CREATED,
                        KeyResponse.of(issued.key(), now(), issued.secret())));
    }

    @GET
    public Uni<List<KeyResponse>> list(@RestPath UUID tenantId) {
        return keys.list(tenantId).map(all -> {
            OffsetDateTime now = now();
            return all.stream().map(k -> KeyResponse.of(k, now)).toList();
        });
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
