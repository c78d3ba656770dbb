package io.tollgate.tenant;

import java.util.UUID;

/**
 * The PostgreSQL NOTIFY that tells every replica's key cache that a key, or a tenant's keys, changed: sent in the
 * transaction that makes the change (by the key and tenant repositories), heard by {@code KeyChangeListener}. One
 * place for the channel and the payload's form, which the senders and the listener must agree on. Here, with the
 * tenants that own the keys, because the keys' package already depends on this one.
 */
public final class KeyChangeNotice {

    public static final String CHANNEL = "tollgate_key_changes";
    /** A native query sending the notice whose payload is the parameter {@code :p}. */
    public static final String SQL = "select cast(pg_notify('" + CHANNEL + "', :p) as text)";
    private static final String KEY = "key:";
    private static final String TENANT = "tenant:";

    private KeyChangeNotice() {
    }

    public static String ofKey(UUID keyId) {
        return KEY + keyId;
    }

    public static String ofTenant(UUID tenantId) {
        return TENANT + tenantId;
    }

    /** The key a payload names, or null when it names none. */
    public static UUID key(String payload) {
        return payload.startsWith(KEY) ? UUID.fromString(payload.substring(KEY.length())) : null;
    }

    /** The tenant a payload names, or null when it names none. */
    public static UUID tenant(String payload) {
        return payload.startsWith(TENANT) ? UUID.fromString(payload.substring(TENANT.length())) : null;
    }
}
