package io.tollgate.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.tollgate.error.ErrorResponse;
import io.tollgate.error.ErrorType;

/**
 * Every {@code /admin} call must carry the admin token: {@code Authorization: Bearer <admin token>}. A browser, which
 * cannot send a bearer token from its address bar, may read (GET, HEAD) with HTTP Basic, any user name and the token
 * as the password: a 401 to a read asks it for them. Changes take the bearer token only, because a browser sends
 * remembered Basic credentials by itself, also with a form another site makes it submit.
 */
public class AdminAuthFilter {

    private static final String REALM = "realm=\"tollgate admin\"";

    private final AdminToken token;

    public AdminAuthFilter(AdminToken token) {
        this.token = token;
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/admin/")) {
            return null;
        }
        boolean reading = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return refuse(reading, "Missing admin token: send 'Authorization: Bearer <admin token>'");
        }
        if (scheme(header, "Bearer ")) {
            return token.matches(header.substring(7).strip()) ? null : refuse(reading, "Invalid admin token");
        }
        if (scheme(header, "Basic ")) {
            if (!reading) {
                return refuse(false, "Basic authentication is for reading only (GET): send changes with"
                        + " 'Authorization: Bearer <admin token>'");
            }
            String password = basicPassword(header.substring(6).strip());
            return password != null && token.matches(password) ? null : refuse(true, "Invalid admin token");
        }
        return refuse(reading, "Invalid admin token");
    }

    private static boolean scheme(String header, String scheme) {
        return header.regionMatches(true, 0, scheme, 0, scheme.length());
    }

    /** The password of {@code base64(user:password)}; null if it is not that. */
    private static String basicPassword(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Response refuse(boolean reading, String message) {
        Response.ResponseBuilder response = Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer " + REALM);
        if (reading) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic " + REALM + ", charset=\"UTF-8\"");
        }
        return response.type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(message, ErrorType.AUTHENTICATION, "invalid_admin_token")).build();
    }
}
