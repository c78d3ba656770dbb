package io.tollgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The pure logic of {@link JvmMeters}: which collectors and pools are which, and the overhead's window. */
class JvmMetersTest {

    @Test
    void tellsPausesFromConcurrentCycles() {
        for (String pause : new String[] { "Copy", "MarkSweepCompact", "PS Scavenge", "G1 Young Generation",
                "G1 Old Generation", "ZGC Pauses", "Shenandoah Pauses", "ZGC Minor Pauses" }) {
            assertFalse(JvmMeters.concurrent(pause), pause);
        }
        for (String cycle : new String[] { "G1 Concurrent GC", "ZGC Cycles", "Shenandoah Cycles", "ZGC Major Cycles" }) {
            assertTrue(JvmMeters.concurrent(cycle), cycle);
        }
    }

    @Test
    void findsTheLongLivedPoolOfEachCollector() {
        for (String old : new String[] { "Tenured Gen", "PS Old Gen", "G1 Old Gen", "ZGC Old Generation", "ZHeap",
                "Shenandoah" }) {
            assertTrue(JvmMeters.longLived(old), old);
        }
        for (String young : new String[] { "Eden Space", "Survivor Space", "G1 Eden Space", "PS Survivor Space",
                "ZGC Young Generation", "Metaspace" }) {
            assertFalse(JvmMeters.longLived(young), young);
        }
    }

    @Test
    void overheadIsTheShareOfTheLastFiveMinutesSpentInPauses() {
        AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
        AtomicLong paused = new AtomicLong(50);
        JvmMeters.Overhead overhead = new JvmMeters.Overhead(now::get, paused::get);

        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        paused.addAndGet(100);
        assertEquals(0.01, overhead.share(), 1e-9, "100 ms of 10 s since start");

        now.addAndGet(TimeUnit.MINUTES.toNanos(5));
        paused.addAndGet(3_000);
        assertEquals(3_000 / 300_000.0, overhead.share(), 1e-9,
                "the start fell out of the window: 3 s of the 5 min since the first scrape");

        now.addAndGet(TimeUnit.SECONDS.toNanos(15));
        assertEquals(0, overhead.share(), 1e-9, "no pause since the last scrape, the others out of the window");
    }

    @Test
    void overheadBeforeAnyTimePassedIsZero() {
        JvmMeters.Overhead overhead = new JvmMeters.Overhead(() -> 5L, () -> 7L);
        assertEquals(0, overhead.share());
    }
}
