package io.tollgate.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;
import io.tollgate.admin.dto.BudgetResponse;
import io.tollgate.admin.dto.KeyResponse;
import io.tollgate.admin.dto.RotateKeyRequest;
import io.tollgate.admin.dto.UpdateKeyRequest;
import io.tollgate.apikey.ApiKeyService;
import io.tollgate.budget.BudgetService;
import io.tollgate.error.GatewayException;

@Path("/admin/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "adminToken")
public class KeyAdminResource {

    private final ApiKeyService keys;
    private final BudgetService budgets;
    private final Clock clock;

    public KeyAdminResource(ApiKeyService keys, BudgetService budgets, Clock clock) {
        this.keys = keys;
        this.budgets = budgets;
        this.clock = clock;
    }

    /** One key: its tenant, name, prefix, status, limits and dates (never its secret, which is kept only as a hash). */
    @GET
    @Path("/{keyId}")
    public Uni<KeyResponse> get(@RestPath UUID keyId) {
        return keys.get(keyId).map(k -> KeyResponse.of(k, now()));
    }

    /**
     * Renames the key, replaces its limits and/or sets its monthly budget ({@code "budget": {}} removes it); absent
     * fields are unchanged.
     */
    @PATCH
    @Path("/{keyId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<KeyResponse> update(@RestPath UUID keyId, UpdateKeyRequest request) {
        TenantAdminResource.requireBody(request);
        if (request.name() == null && request.limits() == null && request.budget() == null) {
            throw GatewayException.badRequest("Nothing to change: send 'name', 'limits' and/or 'budget'");
        }
        Uni<Void> budget = request.budget() == null ? Uni.createFrom().voidItem()
                : budgets.setForKey(keyId, request.budget().toBudget());
        return budget.chain(() -> request.name() == null && request.limits() == null ? keys.get(keyId)
                : keys.update(keyId, request.name(), request.limits()))
                .map(k -> KeyResponse.of(k, now()));
    }

    /** The key's monthly budget and this month's spend against it. */
    @GET
    @Path("/{keyId}/budget")
    public Uni<BudgetResponse> budget(@RestPath UUID keyId) {
        return budgets.keyStatus(keyId).map(s -> BudgetResponse.of(keyId, s.budget(), s.spend()));
    }

    @POST
    @Path("/{keyId}/revoke")
    public Uni<KeyResponse> revoke(@RestPath UUID keyId) {
        return keys.revoke(keyId).map(k -> KeyResponse.of(k, now()));
    }

    /** A new secret; the previous one keeps working for {@code gracePeriodSeconds} (default 0). */
    @POST
    @Path("/{keyId}/rotate")
    public Uni<KeyResponse> rotate(@RestPath UUID keyId, RotateKeyRequest request) {
        long grace = request == null || request.gracePeriodSeconds() == null ? 0 : request.gracePeriodSeconds();
        return keys.rotate(keyId, Duration.ofSeconds(grace))
                .map(issued -> KeyResponse.of(issued.key(), now(), issued.secret()));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
