package io.tollgate.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/** Retries, breaker states and fallbacks, as Prometheus sees them. */
@Singleton
public class UpstreamMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> breakers = new ConcurrentHashMap<>();

    public UpstreamMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void retried(String upstream) {
        retries.computeIfAbsent(upstream, u -> Counter.builder("tollgate.upstream.retries")
                .description("Upstream attempts after the first").tag("upstream", u).register(registry)).increment();
    }

    void breakerState(String upstream, CircuitBreakerState state) {
        breakers.computeIfAbsent(upstream, u -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("tollgate.upstream.circuit.state", value, AtomicInteger::get)
                    .description("0 closed, 1 open, 2 half-open").tag("upstream", u).register(registry);
            return value;
        }).set(switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
        });
        Counter.builder("tollgate.upstream.circuit.transitions").tag("upstream", upstream)
                .tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
    }

    public void fellBack(String from, String to) {
        Counter.builder("tollgate.upstream.fallbacks").description("Requests answered by a fallback model")
                .tag("from", from).tag("to", to).register(registry).increment();
    }
}
