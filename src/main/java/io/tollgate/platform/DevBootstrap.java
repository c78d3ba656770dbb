package io.tollgate.platform;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.tollgate.apikey.ApiKeyService;
import io.tollgate.apikey.IssuedKey;
import io.tollgate.tenant.TenantService;

/**
 * Dev mode's first start: creates a demo tenant with one key and prints the key (and the admin token, when it was
 * generated) once, with a curl that works. Later starts find the tenant and print nothing secret.
 */
@Singleton
public class DevBootstrap {

    private static final Logger LOG = Logger.getLogger(DevBootstrap.class);
    static final String DEMO_TENANT = "demo";

    private final TenantService tenants;
    private final ApiKeyService keys;
    private final boolean enabled;
    private final int port;

    public DevBootstrap(TenantService tenants, ApiKeyService keys,
            @ConfigProperty(name = "tollgate.dev.demo-tenant", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "quarkus.http.port") int port) {
        this.tenants = tenants;
        this.keys = keys;
        this.enabled = enabled;
        this.port = port;
    }

    void onStart(@Observes StartupEvent event) throws Throwable {
        if (!enabled) {
            return;
        }
        String adminToken = DevSecretsConfigSourceFactory.takeGeneratedAdminToken();
        IssuedKey issued = VertxContextSupport.subscribeAndAwait(() -> tenants.list().chain(all -> all.isEmpty()
                ? tenants.create(DEMO_TENANT, null).chain(t -> keys.issue(t.id, "demo key", null, null, null))
                : io.smallrye.mutiny.Uni.createFrom().nullItem()));
        if (adminToken == null && issued != null) {
            // generated in an earlier class loader (dev mode reads its configuration more than once): the demo
            // tenant's creation is the first start, so show the token when it is the dev secrets file's
            String configured = ConfigProvider.getConfig().getOptionalValue(DevSecretsConfigSourceFactory.ADMIN_TOKEN,
                    String.class).orElse(null);
            if (configured != null && configured.equals(DevSecretsConfigSourceFactory.storedAdminToken())) {
                adminToken = configured;
            }
        }
        StringBuilder banner = new StringBuilder("\n\n  tollgate is running on http://localhost:").append(port).append('\n');
        if (adminToken != null) {
            banner.append("\n  Admin token (generated, kept in .tollgate/dev-secrets.properties, shown once):\n    ")
                    .append(adminToken).append('\n');
        }
        if (issued != null) {
            banner.append("\n  Demo tenant '").append(DEMO_TENANT).append("' created. Its API key (shown once):\n    ")
                    .append(issued.secret()).append('\n')
                    .append("\n  Try it:\n    curl http://localhost:").append(port).append("/v1/chat/completions \\\n")
                    .append("      -H 'Authorization: Bearer ").append(issued.secret()).append("' \\\n")
                    .append("      -H 'Content-Type: application/json' \\\n")
                    .append("      -d '{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'\n");
        } else {
            banner.append("\n  The demo tenant exists; its key was printed when it was created. A new secret:\n")
                    .append("    POST /admin/v1/keys/{keyId}/rotate with the admin token (see README).\n");
        }
        banner.append("\n  Admin API docs: http://localhost:").append(port).append("/q/swagger-ui\n");
        LOG.info(banner);
    }
}
