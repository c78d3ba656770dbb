package io.tollgate.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What operators read on {@code /q/metrics}: requests by tenant, model, endpoint and status; tokens; upstream
 * duration and time to first token under the OpenTelemetry GenAI names; rejections; and the gateway's own overhead.
 * Meters are looked up once per tag combination and kept, so the hot path does no registry work.
 */
@Singleton
class ProxyMetrics {

    private final MeterRegistry registry;
    private final Timer overhead;
    private final Map<RequestKey, RequestMeters> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Timer> firstToken = new ConcurrentHashMap<>();

    private record RequestKey(String tenant, String model, String endpoint, int status) {
    }

    private record RequestMeters(Counter count, Timer duration, DistributionSummary inputTokens,
            DistributionSummary outputTokens) {
    }

    ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.overhead = Timer.builder("tollgate.gateway.overhead")
                .description("Time tollgate itself adds to a request: from its handler's start until the answer has gone,"
                        + " minus the upstream's part")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofMillis(100))
                .register(registry);
    }

    void completed(String tenant, String model, Endpoint endpoint, int status, long upstreamNanos, long inputTokens,
            long outputTokens) {
        RequestMeters meters = requests.computeIfAbsent(new RequestKey(tenant, model, endpoint.label(), status),
                this::meters);
        meters.count().increment();
        meters.duration().record(upstreamNanos, TimeUnit.NANOSECONDS);
        if (inputTokens > 0) {
            meters.inputTokens().record(inputTokens);
        }
        if (outputTokens > 0) {
            meters.outputTokens().record(outputTokens);
        }
    }

    /** What tollgate added to a request, once its answer has gone (after the usage row's commit in durable mode). */
    void overhead(long nanos) {
        overhead.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    void firstToken(String model, long nanos) {
        firstToken.computeIfAbsent(model, m -> Timer.builder("gen_ai.server.time_to_first_token")
                .description("Time from the request to the first streamed event relayed")
                .tag("gen_ai.request.model", m).publishPercentileHistogram().register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void rejected(int status, String code) {
        rejected.computeIfAbsent(status + ":" + code, k -> Counter.builder("tollgate.requests.rejected")
                .description("Requests refused before reaching an upstream").tag("status", String.valueOf(status))
                .tag("reason", code == null ? "unknown" : code).register(registry)).increment();
    }

    private RequestMeters meters(RequestKey key) {
        String operation = switch (key.endpoint()) {
            case "chat/completions", "messages" -> "chat";
            case "embeddings" -> "embeddings";
            case "images/generations" -> "image_generation";
            case "agents/heroku" -> "invoke_agent";
            default -> key.endpoint();
        };
        String model = key.model() == null ? "" : key.model();
        return new RequestMeters(
                Counter.builder("tollgate.requests").description("Requests forwarded, by tenant, model, endpoint, status")
                        .tag("tenant", key.tenant()).tag("model", model).tag("endpoint", key.endpoint())
                        .tag("status", String.valueOf(key.status())).register(registry),
                Timer.builder("gen_ai.client.operation.duration").description("Upstream duration of a request")
                        .tag("gen_ai.operation.name", operation).tag("gen_ai.request.model", model)
                        .tag("status", String.valueOf(key.status())).register(registry),
                tokens(operation, model, key.tenant(), "input"),
                tokens(operation, model, key.tenant(), "output"));
    }

    private DistributionSummary tokens(String operation, String model, String tenant, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens per request").tag("gen_ai.operation.name", operation)
                .tag("gen_ai.request.model", model).tag("gen_ai.token.type", type).tag("tenant", tenant)
                .register(registry);
    }
}
