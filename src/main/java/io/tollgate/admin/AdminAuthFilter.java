package io.tollgate.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.tollgate.error.ErrorResponse;
import io.tollgate.error.ErrorType;

/** Every {@code /admin} call must carry {@code Authorization: Bearer <admin token>}. */
public class AdminAuthFilter {

    private final AdminToken token;

    public AdminAuthFilter(AdminToken token) {
        this.token = token;
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/admin/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && token.matches(header.substring(7).strip())) {
            return null;
        }
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(header == null ? "Missing admin token: send 'Authorization: Bearer <admin token>'"
                        : "Invalid admin token", ErrorType.AUTHENTICATION, "invalid_admin_token"))
                .build();
    }
}
