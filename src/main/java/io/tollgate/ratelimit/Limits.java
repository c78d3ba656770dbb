package io.tollgate.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.tollgate.error.GatewayException;

/**
 * The limits of a tenant or a key: requests and tokens (input + output) per minute, requests in flight at once; a
 * null value is no limit. {@code models} overrides any of the three for requests to one model, counted in buckets of
 * their own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Limits(Long requestsPerMinute, Long tokensPerMinute, Long concurrentRequests, Map<String, Limits> models) {

    public static final Limits NONE = new Limits(null, null, null, null);

    /** The configured defaults as limits (null when they set none). */
    public static Limits of(RateLimitConfig.Defaults defaults) {
        return validated(new Limits(value(defaults.requestsPerMinute()), value(defaults.tokensPerMinute()),
                value(defaults.concurrentRequests()), null), "limits");
    }

    private static Long value(java.util.OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    /** {@code limits} with each general value no higher than {@code bound}'s (for defaults given to new keys). */
    public static Limits lowered(Limits limits, Limits bound) {
        if (limits == null || bound == null) {
            return limits;
        }
        return new Limits(min(limits.requestsPerMinute, bound.requestsPerMinute),
                min(limits.tokensPerMinute, bound.tokensPerMinute),
                min(limits.concurrentRequests, bound.concurrentRequests), limits.models);
    }

    private static Long min(Long a, Long b) {
        return a == null ? null : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    /** The kinds of limit, each with its own bucket. */
    public enum Kind {
        REQUESTS("requestsPerMinute", "rpm"),
        TOKENS("tokensPerMinute", "tpm"),
        CONCURRENT("concurrentRequests", "conc");

        final String field;
        final String tag;

        Kind(String field, String tag) {
            this.field = field;
            this.tag = tag;
        }
    }

    public Long get(Kind kind) {
        return switch (kind) {
            case REQUESTS -> requestsPerMinute;
            case TOKENS -> tokensPerMinute;
            case CONCURRENT -> concurrentRequests;
        };
    }

    /** True when nothing at all is limited (no value, no model override). */
    @JsonIgnore
    public boolean isUnlimited() {
        return requestsPerMinute == null && tokensPerMinute == null && concurrentRequests == null
                && (models == null || models.isEmpty());
    }

    /** The override for a model, or null. */
    Limits override(String model) {
        return models == null || model == null ? null : models.get(model);
    }

    /**
     * Checks the values (positive, overrides one level deep) and returns the limits as stored: empty becomes null.
     *
     * @param field the JSON field that holds them, for the error's {@code param}
     */
    public static Limits validated(Limits limits, String field) {
        if (limits == null) {
            return null;
        }
        check(limits, field);
        Map<String, Limits> models = null;
        if (limits.models != null && !limits.models.isEmpty()) {
            models = new LinkedHashMap<>();
            for (Map.Entry<String, Limits> e : limits.models.entrySet()) {
                String path = field + ".models." + e.getKey();
                if (e.getKey() == null || e.getKey().isBlank()) {
                    throw GatewayException.invalidField(field + ".models", "Model names in 'models' must not be blank");
                }
                Limits override = e.getValue();
                if (override == null) {
                    throw GatewayException.invalidField(path, "Field '" + path + "' must be an object");
                }
                if (override.models != null) {
                    throw GatewayException.invalidField(path + ".models", "Model overrides cannot have overrides");
                }
                check(override, path);
                models.put(e.getKey().strip(), override);
            }
        }
        Limits valid = new Limits(limits.requestsPerMinute, limits.tokensPerMinute, limits.concurrentRequests, models);
        return valid.isUnlimited() ? null : valid;
    }

    /**
     * The largest value of any limit: a bucket refills at most one token a nanosecond (Bucket4j), 60 billion a
     * minute; one billion leaves room and is far beyond any real limit.
     */
    static final long MAX_VALUE = 1_000_000_000L;

    private static void check(Limits limits, String field) {
        for (Kind kind : Kind.values()) {
            Long value = limits.get(kind);
            String path = field + "." + kind.field;
            if (value != null && value < 1) {
                throw GatewayException.invalidField(path, "Field '" + path + "' must be at least 1 (omit it for no limit)");
            }
            if (value != null && value > MAX_VALUE) {
                throw GatewayException.invalidField(path,
                        "Field '" + path + "' must be at most " + MAX_VALUE + " (omit it for no limit)");
            }
        }
    }

    /**
     * A key's limits may not exceed its tenant's: each value the tenant sets, for all models or for one, bounds the
     * key's value for the same kind and model. Returns the first violation as a 400, or nothing.
     *
     * @param field the JSON field of the key's limits, for the error's {@code param}
     */
    public static void requireWithin(Limits key, Limits tenant, String field) {
        if (key == null || tenant == null) {
            return;
        }
        java.util.List<String> models = new java.util.ArrayList<>();
        models.add(null);
        if (key.models != null) {
            models.addAll(key.models.keySet());
        }
        for (String model : models) {
            for (Kind kind : Kind.values()) {
                // the key's general values are bounded by the tenant's general ones; its overrides by what applies
                // to the tenant for that model. A tenant's override alone binds through its own bucket.
                Long keyValue = model == null ? key.get(kind) : key.override(model).get(kind);
                Long tenantValue = tenant.effective(kind, model);
                if (tenantValue != null && keyValue != null && keyValue > tenantValue) {
                    String path = model == null ? field + "." + kind.field : field + ".models." + model + "." + kind.field;
                    throw GatewayException.invalidField(path, "The key's " + kind.field
                            + (model == null ? "" : " for model '" + model + "'") + " (" + keyValue
                            + ") exceeds its tenant's (" + tenantValue + ")");
                }
            }
        }
    }

    /** The value that applies to a request for the model (null model: requests in general). */
    public Long effective(Kind kind, String model) {
        Limits override = override(model);
        Long value = override == null ? null : override.get(kind);
        return value != null ? value : get(kind);
    }

    /** Whether the value for the model comes from an override, so it is counted in the model's own bucket. */
    boolean overridden(Kind kind, String model) {
        Limits override = override(model);
        return override != null && override.get(kind) != null;
    }
}
