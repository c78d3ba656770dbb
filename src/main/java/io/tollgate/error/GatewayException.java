package io.tollgate.error;

import java.util.Map;

/**
 * A failure with a defined answer to the client: status, OpenAI error type and code, and any headers that go with
 * it (e.g. {@code Retry-After}). Thrown anywhere below a resource or route; rendered by {@link ExceptionMappers}.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public GatewayException(int status, String type, String code, String message) {
        this(status, type, code, null, message, Map.of());
    }

    public GatewayException(int status, String type, String code, String param, String message,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = headers;
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, ErrorType.INVALID_REQUEST, "invalid_request", message);
    }

    public static GatewayException invalidField(String field, String message) {
        return new GatewayException(400, ErrorType.INVALID_REQUEST, "invalid_" + field.replaceAll("[^A-Za-z0-9]", "_"),
                field, message, Map.of());
    }

    public static GatewayException invalidApiKey(String message) {
        return new GatewayException(401, ErrorType.AUTHENTICATION, "invalid_api_key", message);
    }

    public static GatewayException notFound(String code, String message) {
        return new GatewayException(404, ErrorType.INVALID_REQUEST, code, message);
    }

    public static GatewayException unavailable(String code, String message) {
        return new GatewayException(503, ErrorType.API, code, null, message, Map.of("Retry-After", "1"));
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ErrorResponse body() {
        return new ErrorResponse(new ErrorResponse.Detail(getMessage(), type, param, code));
    }
}
