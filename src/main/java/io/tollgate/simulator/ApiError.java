package io.tollgate.simulator;

import java.util.Map;

/** An error answer decided while handling a request; the exchange renders it in the endpoint's envelope. */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final Map<String, String> headers;

    ApiError(int status, String message) {
        this(status, message, Map.of());
    }

    ApiError(int status, String message, Map<String, String> headers) {
        // an expected answer, not a bug: no stack trace to fill
        super(message, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    static ApiError invalid(String message) {
        return new ApiError(400, "Invalid request: " + message);
    }
}
