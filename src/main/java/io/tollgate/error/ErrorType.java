package io.tollgate.error;

/** The OpenAI error {@code type} values tollgate uses. */
public final class ErrorType {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String API = "api_error";
    /** A budget is used up (OpenAI's type and code for an exhausted quota, which its SDKs recognise). */
    public static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    private ErrorType() {
    }
}
