package io.tollgate.error;

import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;

/**
 * Writes the error body on routes that are not REST resources (the proxy), and turns the router's own failures
 * (a body over the size limit, an unknown path) into the same body.
 */
@Singleton
public class ErrorWriter {

    private static final Logger LOG = Logger.getLogger(ErrorWriter.class);
    private final ObjectMapper mapper;

    public ErrorWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).failureHandler(ctx -> {
            if (ctx.response().headWritten()) {
                ctx.response().reset();
                return;
            }
            int status = ctx.statusCode();
            if (ctx.failure() instanceof GatewayException e) {
                write(ctx.response(), e);
            } else if (status == 413) {
                write(ctx.response(), new GatewayException(413, ErrorType.INVALID_REQUEST, "request_too_large",
                        "Request body too large"));
            } else if (status > 0 && status < 500) {
                write(ctx.response(), new GatewayException(status, ErrorType.INVALID_REQUEST, "invalid_request",
                        "Bad request"));
            } else {
                LOG.error("Unexpected failure", ctx.failure());
                write(ctx.response(), new GatewayException(500, ErrorType.API, "internal_error", "Internal error"));
            }
        });
    }

    public void write(HttpServerResponse response, GatewayException e) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(e.status());
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            response.putHeader(h.getKey(), h.getValue());
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.end(bytes(e.body()));
    }

    public String json(ErrorResponse body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private Buffer bytes(ErrorResponse body) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
