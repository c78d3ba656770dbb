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

    /**
     * Registers an upstream's retry counter, breaker state and transition counters at zero, when its guard is made
     * (before its first request). A counter that first appears at 1 hides that first event from Prometheus's
     * {@code increase()}, and the first time a breaker opens is the one an alert must not miss.
     */
    void guarded(String upstream) {
        retryCounter(upstream);
        breakerGauge(upstream);
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            transitions(upstream, state);
        }
    }

    void retried(String upstream) {
        retryCounter(upstream).increment();
    }

    void breakerState(String upstream, CircuitBreakerState state) {
        breakerGauge(upstream).set(switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
        });
        transitions(upstream, state).increment();
    }

    private Counter retryCounter(String upstream) {
        return retries.computeIfAbsent(upstream, u -> Counter.builder("tollgate.upstream.retries")
                .description("Upstream attempts after the first").tag("upstream", u).register(registry));
    }

    private AtomicInteger breakerGauge(String upstream) {
        return breakers.computeIfAbsent(upstream, u -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("tollgate.upstream.circuit.state", value, AtomicInteger::get)
                    .description("0 closed, 1 open, 2 half-open").tag("upstream", u).register(registry);
            return value;
        });
    }

    private Counter transitions(String upstream, CircuitBreakerState state) {
        return Counter.builder("tollgate.upstream.circuit.transitions").description("Circuit breaker state changes")
                .tag("upstream", upstream).tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry);
    }

    public void fellBack(String from, String to) {
        Counter.builder("tollgate.upstream.fallbacks").description("Requests answered by a fallback model")
                .tag("from", from).tag("to", to).register(registry).increment();
    }
}
