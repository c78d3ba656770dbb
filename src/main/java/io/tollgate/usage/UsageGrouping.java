package io.tollgate.usage;

import java.util.Locale;

/**
 * How a usage report is grouped; each value carries the SQL expression of its group over the raw rows
 * ({@code usage_event}) and over the daily rollup ({@code usage_daily}).
 */
public enum UsageGrouping {
    DAY("to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')", "to_char(day, 'YYYY-MM-DD')"),
    MONTH("to_char(created_at at time zone 'UTC', 'YYYY-MM')", "to_char(day, 'YYYY-MM')"),
    MODEL("coalesce(upstream_model, requested_model, '')", "model"),
    KEY("key_id::text", "key_id::text"),
    /** Only across tenants. */
    TENANT("tenant_id::text", "tenant_id::text");

    final String sql;
    final String rollupSql;

    UsageGrouping(String sql, String rollupSql) {
        this.sql = sql;
        this.rollupSql = rollupSql;
    }

    /** @return null when the name is not a grouping */
    public static UsageGrouping parse(String name) {
        for (UsageGrouping g : values()) {
            if (g.name().toLowerCase(Locale.ROOT).equals(name)) {
                return g;
            }
        }
        return null;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
