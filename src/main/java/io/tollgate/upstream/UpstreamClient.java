package io.tollgate.upstream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Opens exchanges with an upstream: sends the request and completes with the response's status and headers; the
 * body is read by the caller as it arrives, so streams are never buffered here.
 */
@ApplicationScoped
public class UpstreamClient {

    private final HttpClient client;
    private final UpstreamTimeouts timeouts;

    public UpstreamClient(Vertx vertx, UpstreamTimeouts timeouts) {
        this.timeouts = timeouts;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) timeouts.connectTimeout().toMillis());
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(timeouts.maxConnectionsPerUpstream()));
    }

    /**
     * @return the open exchange; its future fails on a connect error, a reset before headers, or when no header
     *         arrives within the first-byte timeout
     */
    public Future<UpstreamExchange> open(Upstream upstream, HttpMethod method, String path, MultiMap headers, Buffer body) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(upstream.url(path))
                .setHeaders(headers)
                .setConnectTimeout(timeouts.connectTimeout().toMillis())
                .setIdleTimeout(timeouts.idleTimeout().toMillis());
        return client.request(options).compose(request -> {
            Future<UpstreamExchange> exchange = (body == null ? request.send() : request.send(body))
                    .map(response -> new UpstreamExchange(request, response));
            return exchange;
        });
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
