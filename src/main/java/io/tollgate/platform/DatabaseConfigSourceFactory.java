package io.tollgate.platform;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Where the database is: Heroku's {@code DATABASE_URL} when set; otherwise, in dev and test only, an embedded
 * PostgreSQL. In the prod profile nothing is invented: a missing database is a startup error (see
 * {@link DatabaseConfigCheck}).
 */
public class DatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final int PRIORITY = 275; // above application.properties (250), below env (300)

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (isSet(context, "quarkus.datasource.reactive.url")) {
            return List.of();
        }
        ConfigValue databaseUrl = context.getValue("DATABASE_URL");
        if (databaseUrl != null && databaseUrl.getValue() != null && !databaseUrl.getValue().isBlank()) {
            return source("DATABASE_URL", DatabaseUrl.parse(databaseUrl.getValue()).toQuarkusProperties());
        }
        List<String> profiles = context.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        ConfigValue embedded = context.getValue("tollgate.embedded-db.enabled");
        boolean enabled = embedded == null || embedded.getValue() == null || Boolean.parseBoolean(embedded.getValue());
        if (!devOrTest && isApplicationRuntime()) {
            // fail here, before any extension reports the missing datasource in its own words
            throw new IllegalStateException(DatabaseConfigCheck.MESSAGE);
        }
        if (!devOrTest || !enabled) {
            return List.of();
        }
        ConfigValue dir = context.getValue("tollgate.embedded-db.dir");
        String dataDir = profiles.contains("dev")
                ? (dir != null && dir.getValue() != null ? dir.getValue() : ".tollgate/pgdata")
                : null;
        return source("embedded PostgreSQL", EmbeddedDatabase.start(dataDir).quarkusProperties());
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(PRIORITY);
    }

    /**
     * True when the packaged application runs (JVM or native), false while Quarkus builds it: the build reads the
     * config too and has no database to find.
     */
    private static boolean isApplicationRuntime() {
        if ("runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) {
            return true;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null && loader.getClass().getName().equals("io.quarkus.bootstrap.runner.RunnerClassLoader");
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    private static List<ConfigSource> source(String name, Map<String, String> props) {
        return List.of(new PropertiesConfigSource(props, "tollgate " + name, PRIORITY));
    }
}
