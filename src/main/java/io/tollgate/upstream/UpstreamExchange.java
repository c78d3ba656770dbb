package io.tollgate.upstream;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An exchange with an upstream whose status and headers have arrived; the body is still to be read, and the
 * response is paused until the reader has set its handlers and resumes it.
 */
public final class UpstreamExchange {

    private final HttpClientRequest request;
    private final HttpClientResponse response;
    private Throwable failure;
    private Handler<Throwable> failureHandler;

    UpstreamExchange(HttpClientRequest request, HttpClientResponse response) {
        this.request = request;
        this.response = response;
        // the connection can fail before the reader is there (an upstream that sends a few events and closes in
        // the same read): keep the failure for it instead of losing it
        response.exceptionHandler(this::failed);
    }

    public HttpClientRequest request() {
        return request;
    }

    public HttpClientResponse response() {
        return response;
    }

    /**
     * The reader's failure handler. If the exchange already failed, it is called on the current context after what
     * is already queued there (the data that came before the failure, delivered by resume).
     */
    public void onFailure(Handler<Throwable> handler) {
        Throwable already;
        synchronized (this) {
            failureHandler = handler;
            already = failure;
        }
        if (already != null) {
            Context context = Vertx.currentContext();
            if (context == null) {
                handler.handle(already);
            } else {
                context.runOnContext(v -> handler.handle(already));
            }
        }
    }

    private void failed(Throwable e) {
        Handler<Throwable> handler;
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = e;
            handler = failureHandler;
        }
        if (handler != null) {
            handler.handle(e);
        }
    }

    public void cancel() {
        request.reset();
    }
}
