package io.tollgate.platform;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The JVM's series at /q/metrics, read from the MXBeans at scrape time, with no collector listener behind them. */
@QuarkusTest
class JvmMetersScrapeTest {

    private static final Pattern PAUSE_COUNT = Pattern.compile("(?m)^jvm_gc_pause_seconds_count\\{gc=\"[^\"]+\"} (\\S+)$");

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double pauses(String metrics) {
        Matcher m = PAUSE_COUNT.matcher(metrics);
        double total = 0;
        boolean any = false;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
            any = true;
        }
        assertTrue(any, "a pause count per collector");
        return total;
    }

    @Test
    void countsThePausesOfACollectionAtTheNextScrape() {
        double before = pauses(scrape());
        System.gc();
        String after = scrape();
        assertTrue(pauses(after) >= before + 1, "System.gc() is a pause of its own");
        assertTrue(after.matches("(?s).*\njvm_gc_pause_seconds_sum\\{gc=\"[^\"]+\"} [0-9.E-]+\n.*"), "the pauses' time");
        Matcher overhead = Pattern.compile("(?m)^jvm_gc_overhead (\\S+)$").matcher(after);
        assertTrue(overhead.find(), "jvm_gc_overhead");
        double share = Double.parseDouble(overhead.group(1));
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
