package io.tollgate.usage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The usage ledger's state in readiness: {@code ok}, or {@code degraded} while rows go to the local spool because
 * PostgreSQL cannot take them. Degraded is still up: every row is durable in the spool and will be replayed.
 */
@Readiness
@ApplicationScoped
public class LedgerHealthCheck implements HealthCheck {

    private final UsageRecorder recorder;

    public LedgerHealthCheck(UsageRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("usage-ledger").up()
                .withData("mode", recorder.mode().name().toLowerCase(java.util.Locale.ROOT))
                .withData("state", recorder.degraded() ? "degraded" : "ok")
                .withData("spooledRows", recorder.spooled())
                .withData("lagSeconds", recorder.lag().toSeconds())
                .build();
    }
}
