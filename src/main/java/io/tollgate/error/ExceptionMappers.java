package io.tollgate.error;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Every failure of a REST resource becomes the one OpenAI-style error body with the right status. A Java exception
 * name or stack trace never reaches a client: unexpected failures are logged here and answered with a generic 500.
 */
public class ExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ExceptionMappers.class);

    @ServerExceptionMapper
    public Response gateway(GatewayException e) {
        Response.ResponseBuilder builder = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(e.body());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
        String message = field == null
                ? "The request body does not have the expected shape"
                : e instanceof InvalidFormatException
                        ? "Field '" + field + "' has an invalid value"
                        : "Field '" + field + "' has the wrong type";
        return json(400,
                new ErrorResponse(new ErrorResponse.Detail(message, ErrorType.INVALID_REQUEST, field, "invalid_request")));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return json(400, ErrorResponse.of("The request body is not valid JSON", ErrorType.INVALID_REQUEST, "invalid_json"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof MismatchedInputException mismatched) {
            return mismatchedInput(mismatched);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        String message;
        String code;
        if (e instanceof NotFoundException) {
            message = "No such resource";
            code = "not_found";
        } else if (e instanceof NotAllowedException) {
            message = "Method not allowed on this resource";
            code = "method_not_allowed";
        } else if (e instanceof NotSupportedException) {
            message = "Unsupported content type: send application/json";
            code = "unsupported_media_type";
        } else if (status == 413) {
            message = "Request body too large";
            code = "request_too_large";
        } else if (status >= 500) {
            LOG.error("Unexpected failure", e);
            message = "Internal error";
            code = "internal_error";
        } else {
            message = "Bad request";
            code = "invalid_request";
        }
        return json(status, ErrorResponse.of(message, status >= 500 ? ErrorType.API : ErrorType.INVALID_REQUEST, code));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure", e);
        return json(500, ErrorResponse.of("Internal error", ErrorType.API, "internal_error"));
    }

    private static Response json(int status, ErrorResponse body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
