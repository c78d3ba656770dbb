package io.tollgate.error;

/** The OpenAI error {@code type} values tollgate uses. */
public final class ErrorType {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String API = "api_error";

    private ErrorType() {
    }
}
