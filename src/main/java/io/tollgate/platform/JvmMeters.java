package io.tollgate.platform;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.quarkus.micrometer.runtime.binder.JVMInfoBinder;

/**
 * The JVM's meters, with the collector's read from its MXBeans at scrape time instead of from a listener on every
 * collection.
 *
 * <p>
 * Quarkus's JVM binder ({@code quarkus.micrometer.binder.jvm}, off in application.properties) subscribes Micrometer's
 * {@code JvmGcMetrics} and {@code JvmHeapPressureMetrics} to the collector's JMX notifications. The JVM then builds a
 * notification after every young collection and runs both listeners on its notification thread: ~0.9 ms of CPU right
 * after each pause, one or two pauses a second under load, on two cores that the event loops need most just then (the
 * requests the pause held up). With no listener the JVM sends no notification. The same series come from the MXBeans'
 * running totals when Prometheus asks: {@code jvm_gc_pause_seconds} as a count and a sum per collector (no {@code _max},
 * no {@code cause} or {@code action} tag), {@code jvm_gc_overhead}, {@code jvm_gc_live_data_size_bytes},
 * {@code jvm_gc_max_data_size_bytes}, {@code jvm_memory_usage_after_gc}, {@code jvm_gc_memory_allocated_bytes_total}.
 * Not kept: {@code jvm_gc_memory_promoted_bytes_total}, which only a notification can give.
 */
@Singleton
public class JvmMeters implements MeterBinder {

    /** As Micrometer's {@code JvmHeapPressureMetrics}: the share of the last five minutes spent collecting. */
    static final long OVERHEAD_LOOKBACK_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** Function meters hold what they read weakly: this bean, alive as long as the registry, holds it strongly. */
    private final List<Object> read = new ArrayList<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JVMInfoBinder().bindTo(registry);

        List<GarbageCollectorMXBean> pausing = new ArrayList<>();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            read.add(collector);
            if (concurrent(collector.getName())) {
                timer("jvm.gc.concurrent.phase.time", "concurrent phases", collector).register(registry);
            } else {
                timer("jvm.gc.pause", "pauses", collector).register(registry);
                pausing.add(collector);
            }
        }
        Overhead overhead = new Overhead(System::nanoTime, () -> pauseMillis(pausing));
        read.add(overhead);
        Gauge.builder("jvm.gc.overhead", overhead, Overhead::share)
                .description("Share of the last five minutes (or since start) the collector's pauses took, in [0..1]")
                .register(registry);

        MemoryPoolMXBean longLived = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && longLived(pool.getName()))
                .findFirst().orElse(null);
        if (longLived != null) {
            read.add(longLived);
            Gauge.builder("jvm.gc.live.data.size", longLived, pool -> afterCollection(pool).getUsed())
                    .description("Size of the long-lived heap pool after the last collection of it")
                    .baseUnit("bytes").register(registry);
            Gauge.builder("jvm.gc.max.data.size", longLived, pool -> pool.getUsage().getMax())
                    .description("Maximum size of the long-lived heap pool").baseUnit("bytes").register(registry);
            Gauge.builder("jvm.memory.usage.after.gc", longLived, JvmMeters::usedShareAfterCollection)
                    .description("Share of the long-lived heap pool in use after the last collection of it")
                    .tag("area", "heap").tag("pool", "long-lived").baseUnit("percent").register(registry);
        }
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && totalAllocatedReadable(threads)) {
            read.add(threads);
            FunctionCounter.builder("jvm.gc.memory.allocated", threads,
                    t -> Math.max(0, t.getTotalThreadAllocatedBytes()))
                    .description("Bytes allocated in the heap since start, by every thread")
                    .baseUnit("bytes").register(registry);
        }
    }

    private static FunctionTimer.Builder<GarbageCollectorMXBean> timer(String name, String what,
            GarbageCollectorMXBean collector) {
        return FunctionTimer.builder(name, collector, GarbageCollectorMXBean::getCollectionCount,
                GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
                .description("Time spent in the collector's " + what + ", totals since start")
                .tag("gc", collector.getName());
    }

    /**
     * Whether the JVM counts the bytes its threads allocated: HotSpot does; the interface's default, which a native
     * image's may keep, throws.
     */
    private static boolean totalAllocatedReadable(com.sun.management.ThreadMXBean threads) {
        try {
            return threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()
                    && threads.getTotalThreadAllocatedBytes() >= 0;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** The collectors that work beside the application (G1's, ZGC's and Shenandoah's cycles), not in a pause. */
    static boolean concurrent(String collector) {
        return collector.contains("Concurrent") || collector.endsWith("Cycles");
    }

    /** The heap pool that holds what survives young collections, by the names HotSpot's collectors give it. */
    static boolean longLived(String pool) {
        return pool.endsWith("Old Gen") || pool.endsWith("Tenured Gen") || pool.equals("ZGC Old Generation")
                || pool.equals("ZHeap") || pool.equals("Shenandoah");
    }

    private static double usedShareAfterCollection(MemoryPoolMXBean pool) {
        MemoryUsage usage = afterCollection(pool);
        long max = usage.getMax() > 0 ? usage.getMax() : pool.getUsage().getCommitted();
        return max > 0 ? (double) usage.getUsed() / max : Double.NaN;
    }

    /** The pool's usage after its last collection; before the first one, its usage now. */
    private static MemoryUsage afterCollection(MemoryPoolMXBean pool) {
        MemoryUsage usage = pool.getCollectionUsage();
        return usage != null && usage.getUsed() > 0 ? usage : pool.getUsage();
    }

    private static long pauseMillis(List<GarbageCollectorMXBean> pausing) {
        long total = 0;
        for (GarbageCollectorMXBean collector : pausing) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }

    /**
     * The share of the time the pauses took over the last {@link #OVERHEAD_LOOKBACK_NANOS}, from the pause total read
     * at each scrape: the oldest reading still inside the window is the start (the process's start before the first).
     */
    static final class Overhead {

        private record Reading(long nanos, long pauseMillis) {
        }

        private final LongSupplier nanoTime;
        private final LongSupplier pauseMillis;
        private final ArrayDeque<Reading> readings = new ArrayDeque<>();

        Overhead(LongSupplier nanoTime, LongSupplier pauseMillis) {
            this.nanoTime = nanoTime;
            this.pauseMillis = pauseMillis;
            readings.add(new Reading(nanoTime.getAsLong(), pauseMillis.getAsLong()));
        }

        synchronized double share() {
            Reading now = new Reading(nanoTime.getAsLong(), pauseMillis.getAsLong());
            while (readings.size() > 1 && now.nanos() - readings.peekFirst().nanos() > OVERHEAD_LOOKBACK_NANOS) {
                readings.pollFirst();
            }
            Reading start = readings.peekFirst();
            readings.addLast(now);
            long elapsed = now.nanos() - start.nanos();
            if (elapsed <= 0) {
                return 0;
            }
            double paused = TimeUnit.MILLISECONDS.toNanos(now.pauseMillis() - start.pauseMillis());
            return Math.min(1, Math.max(0, paused / elapsed));
        }
    }
}
