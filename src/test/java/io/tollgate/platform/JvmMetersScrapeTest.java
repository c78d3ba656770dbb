package io.tollgate.platform;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tollgate.support.PromSeries;
import io.tollgate.support.PromSeries.Series;

/** The JVM's series at /q/metrics, read from the MXBeans at scrape time, with no collector listener behind them. */
@QuarkusTest
class JvmMetersScrapeTest {

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The series of that name with a {@code gc} label, one per collector. */
    private static List<Series> perCollector(String metrics, String name) {
        return PromSeries.parse(metrics).stream()
                .filter(s -> s.name().equals(name) && s.labels().containsKey("gc")).toList();
    }

    private static double pauses(String metrics) {
        List<Series> counts = perCollector(metrics, "jvm_gc_pause_seconds_count");
        assertFalse(counts.isEmpty(), "a pause count per collector");
        return counts.stream().mapToDouble(Series::value).sum();
    }

    @Test
    void countsThePausesOfACollectionAtTheNextScrape() {
        double before = pauses(scrape());
        System.gc();
        String after = scrape();
        assertTrue(pauses(after) >= before + 1, "System.gc() is a pause of its own");
        assertFalse(perCollector(after, "jvm_gc_pause_seconds_sum").isEmpty(), "the pauses' time");
        Series overhead = PromSeries.parse(after).stream().filter(s -> s.name().equals("jvm_gc_overhead"))
                .findFirst().orElseThrow(() -> new AssertionError("jvm_gc_overhead"));
        double share = overhead.value();
        assertTrue(share >= 0 && share <= 1, "a share: " + share);
    }

    @Test
    void keepsTheJvmSeriesAnOperatorReads() {
        String metrics = scrape();
        for (String series : new String[] { "jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_committed_bytes{",
                "jvm_threads_live_threads ", "jvm_classes_loaded_classes ", "jvm_info_total{",
                "jvm_gc_live_data_size_bytes ", "jvm_gc_max_data_size_bytes ",
                "jvm_memory_usage_after_gc_percent{area=\"heap\",pool=\"long-lived\"} ",
                "jvm_gc_memory_allocated_bytes_total ", "process_cpu_usage " }) {
            assertTrue(metrics.contains("\n" + series), series);
        }
    }

    @Test
    void bindsNeitherOfMicrometersCollectorListeners() {
        String metrics = scrape();
        // Micrometer's JvmGcMetrics, the listener Quarkus's JVM binder would add, is the only source of these two
        assertFalse(metrics.contains("jvm_gc_memory_promoted_bytes_total"), "JvmGcMetrics is not bound");
        assertFalse(metrics.contains("jvm_gc_pause_seconds_max"), "pauses are not timed one by one");
    }
}
