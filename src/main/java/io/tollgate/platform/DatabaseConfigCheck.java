package io.tollgate.platform;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/** In production a missing database is a startup error that says what to set, never a silent fallback. */
@Singleton
public class DatabaseConfigCheck {

    static final String MESSAGE = "No database configured. Set DATABASE_URL (postgres://user:password@host:5432/database), "
            + "or QUARKUS_DATASOURCE_REACTIVE_URL and QUARKUS_DATASOURCE_JDBC_URL with QUARKUS_DATASOURCE_USERNAME and "
            + "QUARKUS_DATASOURCE_PASSWORD. (Only dev and test start an embedded PostgreSQL.)";

    private final Optional<String> reactiveUrl;

    public DatabaseConfigCheck(@ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> reactiveUrl) {
        this.reactiveUrl = reactiveUrl;
    }

    void check(@Observes @Priority(1) StartupEvent event) {
        if (reactiveUrl.isEmpty() || reactiveUrl.get().isBlank()) {
            throw new IllegalStateException(MESSAGE);
        }
    }
}
