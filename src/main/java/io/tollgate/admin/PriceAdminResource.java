package io.tollgate.admin;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.tollgate.admin.dto.CreatePriceRequest;
import io.tollgate.admin.dto.PriceResponse;
import io.tollgate.price.Price;
import io.tollgate.price.PriceService;

/** The price book: versions with effective dates, added and listed, never changed. */
@Path("/admin/v1/prices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "adminToken")
public class PriceAdminResource {

    private final PriceService prices;

    public PriceAdminResource(PriceService prices) {
        this.prices = prices;
    }

    @GET
    public Uni<List<PriceResponse>> list(@RestQuery String model) {
        return prices.list(model).map(all -> all.stream().map(PriceResponse::of).toList());
    }

    @POST
    public Uni<RestResponse<PriceResponse>> add(CreatePriceRequest request) {
        TenantAdminResource.requireBody(request);
        Price price = new Price(0, request.model(),
                request.effectiveFrom() == null ? null : request.effectiveFrom().toInstant(),
                orZero(request.inputPerMTokMicros()), request.cachedInputPerMTokMicros(),
                orZero(request.outputPerMTokMicros()), orZero(request.perImageMicros()),
                orZero(request.perSearchUnitMicros()), null);
        return prices.add(price).map(p -> RestResponse.status(RestResponse.Status.CREATED, PriceResponse.of(p)));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
