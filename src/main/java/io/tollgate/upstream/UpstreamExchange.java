package io.tollgate.upstream;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An exchange with an upstream whose status and headers have arrived; the body is still to be read, and the
 * response is paused until the reader has set its handlers and resumes it.
 */
public record UpstreamExchange(HttpClientRequest request, HttpClientResponse response) {

    public void cancel() {
        request.reset();
    }
}
