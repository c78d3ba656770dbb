package io.tollgate.auth;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;

import io.smallrye.mutiny.Uni;
import io.tollgate.apikey.KeyChanged;
import io.tollgate.apikey.KeyFormat;
import io.tollgate.apikey.KeyHasher;
import io.tollgate.error.GatewayException;
import io.tollgate.eventloop.EventLoops;
import io.tollgate.tenant.TenantChanged;

/**
 * "Who is this?": a presented key to its {@link Caller}, through a bounded cache so the database is not on every
 * request. An unknown key is 401; a database that cannot be asked is 503, never 401.
 */
@ApplicationScoped
public class KeyAuthenticator {

    private static final Logger LOG = Logger.getLogger(KeyAuthenticator.class);

    private final KeyHasher hasher;
    private final CallerRepository callers;
    private final Clock clock;
    private final Cache<ByteBuffer, Cached> cache;
    private final java.time.Duration ttl;
    private final java.time.Duration outageGrace;
    /** When a lookup last failed (the database could not be asked); null once one succeeds again. */
    private volatile java.time.Instant lookupFailedAt;
    /** Keys confirmed before this must be confirmed again (kept only as the outage fallback). */
    private volatile java.time.Instant freshAfter = java.time.Instant.MIN;
    /** Bumped by every invalidation: a lookup that raced with one does not put its stale answer in the cache. */
    private final AtomicLong epoch = new AtomicLong();

    public KeyAuthenticator(KeyHasher hasher, CallerRepository callers, Clock clock, AuthConfig config) {
        this.hasher = hasher;
        this.callers = callers;
        this.clock = clock;
        this.ttl = config.cacheTtl();
        this.outageGrace = config.outageGrace();
        // a known key stays in memory for the outage grace, to answer from while the database is down
        long keep = Math.max(config.cacheTtl().toNanos(), config.outageGrace().toNanos());
        long unknownTtl = config.unknownKeyTtl().toNanos();
        this.cache = EventLoops.cacheBuilder()
                .maximumSize(config.cacheSize())
                .expireAfter(new Expiry<ByteBuffer, Cached>() {
                    @Override
                    public long expireAfterCreate(ByteBuffer key, Cached value, long currentTime) {
                        return value.caller().state() == Caller.State.UNKNOWN ? unknownTtl : keep;
                    }

                    @Override
                    public long expireAfterUpdate(ByteBuffer key, Cached value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(ByteBuffer key, Cached value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /**
     * A presented key checked for form and hashed, once per request: {@link #fromMemory} and {@link #authenticate}
     * both take it. Throws the 401 {@link GatewayException} for a missing or malformed key.
     *
     * @param presented the key as the client sent it, or null when it sent none
     */
    public PresentedKey present(String presented) {
        requireWellFormed(presented);
        return new PresentedKey(ByteBuffer.wrap(hasher.hash(presented)));
    }

    /**
     * The caller when memory can answer without asking the database (the hot path's usual case, no {@link Uni} on
     * the way): a key confirmed recently, checked as {@link #authenticate} checks it, a refused key throwing the same
     * 401 {@link GatewayException}. Null when only {@link #authenticate} can answer.
     */
    public Caller fromMemory(PresentedKey key) {
        Cached cached = cache.getIfPresent(key.hash());
        return cached != null && fresh(cached, clock.instant()) ? checked(cached.caller()) : null;
    }

    /** @param presented the key as the client sent it, or null when it sent none */
    public Uni<Caller> authenticate(String presented) {
        PresentedKey key;
        try {
            key = present(presented);
        } catch (GatewayException e) {
            return Uni.createFrom().failure(e);
        }
        return authenticate(key);
    }

    /** The caller, from memory when it is fresh there, else from the database (or the cache during an outage). */
    public Uni<Caller> authenticate(PresentedKey key) {
        ByteBuffer cacheKey = key.hash();
        Cached cached = cache.getIfPresent(cacheKey);
        java.time.Instant now = clock.instant();
        boolean known = cached != null && cached.caller().state() != Caller.State.UNKNOWN;
        if (cached != null && fresh(cached, now)) {
            return check(cached.caller());
        }
        boolean graceful = known && now.isBefore(cached.confirmedAt().plus(outageGrace));
        java.time.Instant failedAt = lookupFailedAt;
        if (graceful && failedAt != null && now.isBefore(failedAt.plusSeconds(1))) {
            // the database failed a moment ago: answer from the cache without waiting for it again
            return check(cached.caller());
        }
        long startEpoch = epoch.get();
        return callers.findByHash(cacheKey.array())
                .onFailure().recoverWithUni(e -> {
                    lookupFailedAt = clock.instant();
                    if (graceful) {
                        LOG.debugf("Key lookup failed, answering from the cache (outage grace): %s", e.toString());
                        return Uni.createFrom().item(cached.caller());
                    }
                    LOG.warnf("Key lookup failed, answering 503: %s", e.toString());
                    return Uni.createFrom().failure(GatewayException.unavailable("key_store_unavailable",
                            "The key store is unavailable; retry shortly"));
                })
                .chain(caller -> {
                    if (cached != null && caller == cached.caller()) {
                        return check(caller);
                    }
                    lookupFailedAt = null;
                    if (epoch.get() == startEpoch) {
                        cache.put(cacheKey, new Cached(caller, clock.instant()));
                    }
                    return check(caller);
                });
    }

    /** A well-formed presented key's hash (the cache's key, and what the database stores). */
    public record PresentedKey(ByteBuffer hash) {
    }

    /** A resolved key and when the database last confirmed it. */
    private record Cached(Caller caller, java.time.Instant confirmedAt) {
    }

    private static void requireWellFormed(String presented) {
        if (presented == null || presented.isEmpty()) {
            throw GatewayException.invalidApiKey(
                    "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
        }
        if (!KeyFormat.looksValid(presented)) {
            throw GatewayException.invalidApiKey("Invalid API key");
        }
    }

    /** An unknown key (cached for its short time), or a known one confirmed within the TTL and since the last reset. */
    private boolean fresh(Cached cached, java.time.Instant now) {
        return cached.caller().state() == Caller.State.UNKNOWN
                || now.isBefore(cached.confirmedAt().plus(ttl)) && cached.confirmedAt().isAfter(freshAfter);
    }

    private Uni<Caller> check(Caller caller) {
        try {
            return Uni.createFrom().item(checked(caller));
        } catch (GatewayException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The caller if its key may be used now, else the 401 that says why. */
    private Caller checked(Caller caller) {
        String problem = switch (caller.state()) {
            case UNKNOWN -> "Invalid API key";
            case REVOKED -> "API key revoked";
            case TENANT_DISABLED -> "API key belongs to a disabled tenant";
            case ACTIVE -> caller.expiresAt() != null && !clock.instant().isBefore(caller.expiresAt())
                    ? "API key expired"
                    : null;
        };
        if (problem != null) {
            throw GatewayException.invalidApiKey(problem);
        }
        return caller;
    }

    void onKeyChanged(@Observes KeyChanged event) {
        invalidateKey(event.keyId());
    }

    void onTenantChanged(@Observes TenantChanged event) {
        invalidateTenant(event.tenantId());
    }

    void invalidateKey(UUID keyId) {
        epoch.incrementAndGet();
        cache.asMap().values().removeIf(c -> keyId.equals(c.caller().keyId()));
    }

    void invalidateTenant(UUID tenantId) {
        epoch.incrementAndGet();
        cache.asMap().values().removeIf(c -> tenantId.equals(c.caller().tenantId()));
    }

    /**
     * Every key must be confirmed by the database again (notifications may have been missed). Known keys stay in
     * memory as the outage fallback: a reconnection after a database outage must not lock out every client.
     */
    void invalidateAll() {
        epoch.incrementAndGet();
        freshAfter = clock.instant();
        cache.asMap().values().removeIf(c -> c.caller().state() == Caller.State.UNKNOWN);
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

}
