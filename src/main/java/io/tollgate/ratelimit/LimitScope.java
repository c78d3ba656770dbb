package io.tollgate.ratelimit;

import java.util.UUID;

/**
 * One holder of limits a request counts against: its key or its tenant. {@code version} grows with every change of
 * the limits, so a shared bucket takes a new configuration from whichever replica first sees it.
 */
public record LimitScope(String name, UUID id, Limits limits, long version) {

    public static LimitScope key(UUID id, Limits limits, long version) {
        return new LimitScope("key", id, limits, version);
    }

    public static LimitScope tenant(UUID id, Limits limits, long version) {
        return new LimitScope("tenant", id, limits, version);
    }

    String bucketId(Limits.Kind kind, String model) {
        String base = name.charAt(0) + ":" + id + ":" + kind.tag;
        return limits.overridden(kind, model) ? base + ":" + model : base;
    }
}
