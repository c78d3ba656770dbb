package io.tollgate.usage;

import java.util.Locale;

/** How a usage report is grouped; each value carries the SQL expression of its group. */
public enum UsageGrouping {
    DAY("to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')"),
    MODEL("coalesce(upstream_model, requested_model, '')"),
    KEY("key_id::text");

    final String sql;

    UsageGrouping(String sql) {
        this.sql = sql;
    }

    /** @return null when the name is not one of day, model, key */
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
