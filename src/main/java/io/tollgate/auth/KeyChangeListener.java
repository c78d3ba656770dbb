package io.tollgate.auth;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tollgate.tenant.KeyChangeNotice;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * Revocation on every replica at once: services send a {@link KeyChangeNotice} in the transaction that changes a key
 * or tenant; each instance LISTENs and drops the affected cache entries. After a lost connection every entry
 * is dropped, since notifications may have been missed meanwhile.
 */
@ApplicationScoped
public class KeyChangeListener {

    private static final Logger LOG = Logger.getLogger(KeyChangeListener.class);

    private final KeyAuthenticator authenticator;
    private final Vertx vertx;
    private final Optional<String> url;
    private final Optional<String> username;
    private final Optional<String> password;
    private final Optional<String> sslMode;
    private final boolean trustAll;
    private PgSubscriber subscriber;

    public KeyChangeListener(KeyAuthenticator authenticator, Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.datasource.reactive.postgresql.ssl-mode") Optional<String> sslMode,
            @ConfigProperty(name = "quarkus.datasource.reactive.trust-all", defaultValue = "false") boolean trustAll) {
        this.authenticator = authenticator;
        this.vertx = vertx;
        this.url = url;
        this.username = username;
        this.password = password;
        this.sslMode = sslMode;
        this.trustAll = trustAll;
    }

    void start(@Observes StartupEvent event) {
        if (url.isEmpty()) {
            return; // DatabaseConfigCheck stops the application with the reason
        }
        String uri = url.get();
        PgConnectOptions options = PgConnectOptions.fromUri(uri.startsWith("vertx-reactive:") ? uri.substring(15) : uri);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        sslMode.ifPresent(mode -> options.setSslMode(SslMode.of(mode)));
        options.setTrustAll(trustAll);
        // its own client in the Vert.x metrics (postgresql_*{clientName="key-changes"}), apart from the pool's queries
        options.setMetricsName("postgresql|key-changes");
        subscriber = PgSubscriber.subscriber(vertx, options);
        // the subscriber asks its policy with 0 when its connection is lost, then with the failed attempts' count; its
        // close handler runs only once it gives up or is closed, which this policy leaves to the shutdown
        subscriber.reconnectPolicy(retries -> {
            if (retries == 0) {
                LOG.warn("Lost the key-change subscription; reconnecting");
            }
            return 1000L;
        });
        subscriber.channel(KeyChangeNotice.CHANNEL).handler(this::onNotification).subscribeHandler(v -> {
            // (re)subscribed: whatever was missed while disconnected is unknown
            authenticator.invalidateAll();
        });
        subscriber.connect().onFailure(e -> LOG.warnf("Key-change subscription not connected yet: %s", e.toString()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.close();
        }
    }

    void onNotification(String payload) {
        try {
            UUID key = KeyChangeNotice.key(payload);
            UUID tenant = KeyChangeNotice.tenant(payload);
            if (key != null) {
                authenticator.invalidateKey(key);
            } else if (tenant != null) {
                authenticator.invalidateTenant(tenant);
            } else {
                authenticator.invalidateAll();
            }
        } catch (IllegalArgumentException e) {
            authenticator.invalidateAll();
        }
    }
}
