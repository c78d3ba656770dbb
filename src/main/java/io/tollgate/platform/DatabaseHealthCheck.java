package io.tollgate.platform;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** Ready needs the database reachable and the schema migrated (the newest table answers a query). */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements AsyncHealthCheck {

    private final Pool pool;

    public DatabaseHealthCheck(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select version, success from flyway_schema_history order by installed_rank desc limit 1")
                .execute()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(rows -> {
                    var last = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    boolean migrated = last != null && Boolean.TRUE.equals(last.getBoolean("success"));
                    return HealthCheckResponse.named("database").status(migrated)
                            .withData("schemaVersion", last == null ? "none" : String.valueOf(last.getString("version")))
                            .build();
                })
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("database").down()
                        .withData("error", e.getClass().getSimpleName()).build());
    }
}
