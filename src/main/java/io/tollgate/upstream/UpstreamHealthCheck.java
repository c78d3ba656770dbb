package io.tollgate.upstream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready needs at least one upstream to forward to. */
@Readiness
@ApplicationScoped
public class UpstreamHealthCheck implements HealthCheck {

    private final UpstreamRegistry registry;

    public UpstreamHealthCheck(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("upstreams")
                .status(!registry.all().isEmpty())
                .withData("configured", registry.all().size())
                .build();
    }
}
