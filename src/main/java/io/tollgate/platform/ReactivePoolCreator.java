package io.tollgate.platform;

import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;

/**
 * The reactive pool as Quarkus configures it, with statements up to {@value #STATEMENT_CACHE_SQL_LIMIT} characters
 * kept prepared on each connection. The Vert.x client caches only statements up to 2,048 characters by default, and
 * the usage ledger's insert (one CTE that prices, inserts and rolls up a batch) is longer: without this it was
 * parsed and planned by PostgreSQL again for every batch, whatever {@code cache-prepared-statements} says.
 */
@Singleton
public class ReactivePoolCreator implements PgPoolCreator {

    static final int STATEMENT_CACHE_SQL_LIMIT = 16 * 1024;

    @Override
    public Pool create(Input input) {
        List<PgConnectOptions> databases = input.pgConnectOptionsList();
        databases.forEach(options -> options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT));
        // Quarkus expects the PostgreSQL flavour of the pool
        return PgPool.pool(input.vertx(), databases, input.poolOptions());
    }
}
