package io.tollgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void turnsHerokusDatabaseUrlIntoDatasourceProperties() {
        Map<String, String> props = DatabaseUrl.parse("postgres://u%40x:p%3Ass@ec2-1-2-3-4.compute.amazonaws.com:5432/d8f")
                .toQuarkusProperties();
        assertEquals("postgresql://ec2-1-2-3-4.compute.amazonaws.com:5432/d8f", props.get("quarkus.datasource.reactive.url"));
        assertEquals("jdbc:postgresql://ec2-1-2-3-4.compute.amazonaws.com:5432/d8f?sslmode=require",
                props.get("quarkus.datasource.jdbc.url"));
        assertEquals("u@x", props.get("quarkus.datasource.username"));
        assertEquals("p:ss", props.get("quarkus.datasource.password"));
        assertEquals("require", props.get("quarkus.datasource.reactive.postgresql.ssl-mode"));
        assertEquals("true", props.get("quarkus.datasource.reactive.trust-all"));
    }

    @Test
    void aLocalDatabaseNeedsNoTls() {
        Map<String, String> props = DatabaseUrl.parse("postgresql://postgres@127.0.0.1/test").toQuarkusProperties();
        assertEquals("postgresql://127.0.0.1:5432/test", props.get("quarkus.datasource.reactive.url"));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test?sslmode=disable", props.get("quarkus.datasource.jdbc.url"));
        assertFalse(props.containsKey("quarkus.datasource.reactive.trust-all"));
    }

    @Test
    void rejectsWhatIsNotAPostgresUrl() {
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("mysql://h/db"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgres://h"));
    }
}
