package io.tollgate.platform;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tollgate.support.PromSeries;
import io.tollgate.support.PromSeries.Series;

/** The pool's and the event loops' series at /q/metrics, without the gauges that read one instance of many. */
@QuarkusTest
class MeterFiltersTest {

    @Test
    void servesThePoolSeriesWithoutThePerConnectionGauges() {
        // the readiness check queries the database through the reactive pool
        given().get("/q/health/ready").then().statusCode(200);
        List<Series> series = PromSeries.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
        Set<String> names = series.stream().map(Series::name).collect(Collectors.toSet());

        for (String kept : List.of("sql_pool_active", "sql_pool_idle", "sql_pool_queue_size",
                "postgresql_completed_total", "netty_eventexecutor_tasks_pending")) {
            assertTrue(names.contains(kept), kept);
        }
        // (that none is registered twice, which the registry would log as a WARN, is ProductionStartupIT's to check)
        for (String dropped : List.of("postgresql_queue_size", "postgresql_current", "netty_eventexecutor_workers")) {
            assertFalse(names.contains(dropped), dropped);
        }
    }
}
