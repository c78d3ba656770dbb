package io.tollgate.platform;

import java.util.Set;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Leaves out the gauges that Quarkus's binders register once per instance under one name and tags: only the first
 * instance's value is ever read, and the registry logs a WARN on every start, which an operator would take for a fault.
 * <ul>
 * <li>{@code netty.eventexecutor.workers}: Micrometer's Netty binder, bound to Vert.x's event-loop group and to its
 * acceptor group; {@code netty_eventexecutor_tasks_pending} keeps one series per executor of both.</li>
 * <li>{@code postgresql.queue.size} and {@code postgresql.current}: the Vert.x client metrics, created for every
 * connection the PostgreSQL pool opens; the pool's {@code sql_pool_queue_size}, {@code sql_pool_active} and
 * {@code sql_pool_idle} describe the whole pool.</li>
 * </ul>
 * The timers and counters of the same binders add up across instances and stay.
 */
@Singleton
public class MeterFilters implements MeterBinder {

    static final Set<String> PER_INSTANCE_GAUGES = Set.of("netty.eventexecutor.workers", "postgresql.queue.size",
            "postgresql.current");

    @Produces
    @Singleton
    MeterFilter withoutPerInstanceGauges() {
        return MeterFilter.deny(id -> PER_INSTANCE_GAUGES.contains(id.getName()));
    }

    /**
     * Hibernate Reactive opens the pool's first connection, to read the database's version, before Quarkus applies the
     * filters, and a filter leaves the meters registered before it: those are removed here, once the filters apply.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (Meter meter : registry.getMeters()) {
            if (PER_INSTANCE_GAUGES.contains(meter.getId().getName())) {
                registry.remove(meter);
            }
        }
    }
}
