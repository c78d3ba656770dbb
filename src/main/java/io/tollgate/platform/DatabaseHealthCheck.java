package io.tollgate.platform;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Ready needs the database reachable and the schema migrated (the newest table answers a query). Once it has been
 * ready, a database outage shorter than the outage grace ({@code tollgate.auth.outage-grace}) is reported as up
 * but {@code degraded}: known keys keep working and usage rows are spooled, so the instance still serves.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements AsyncHealthCheck {

    private final Pool pool;
    private final Duration outageGrace;
    private volatile boolean wasReady;
    private volatile long failingSinceNanos;

    public DatabaseHealthCheck(Pool pool,
            @ConfigProperty(name = "tollgate.auth.outage-grace", defaultValue = "15m") Duration outageGrace) {
        this.pool = pool;
        this.outageGrace = outageGrace;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select version, success from flyway_schema_history order by installed_rank desc limit 1")
                .execute()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(rows -> {
                    var last = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    boolean migrated = last != null && Boolean.TRUE.equals(last.getBoolean("success"));
                    wasReady |= migrated;
                    failingSinceNanos = 0;
                    return HealthCheckResponse.named("database").status(migrated)
                            .withData("schemaVersion", last == null ? "none" : String.valueOf(last.getString("version")))
                            .build();
                })
                .onFailure().recoverWithItem(e -> {
                    long now = System.nanoTime();
                    if (failingSinceNanos == 0) {
                        failingSinceNanos = now;
                    }
                    boolean degraded = wasReady && now - failingSinceNanos < outageGrace.toNanos();
                    return HealthCheckResponse.named("database").status(degraded)
                            .withData("state", degraded ? "degraded" : "down")
                            .withData("error", e.getClass().getSimpleName()).build();
                });
    }
}
