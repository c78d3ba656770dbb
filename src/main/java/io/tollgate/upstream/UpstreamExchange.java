package io.tollgate.upstream;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/** An exchange with an upstream whose status and headers have arrived; the body is still to be read. */
public record UpstreamExchange(HttpClientRequest request, HttpClientResponse response) {

    public void cancel() {
        request.reset();
    }
}
