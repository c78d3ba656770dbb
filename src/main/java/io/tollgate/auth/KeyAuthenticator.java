package io.tollgate.auth;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.smallrye.mutiny.Uni;
import io.tollgate.apikey.KeyChanged;
import io.tollgate.apikey.KeyFormat;
import io.tollgate.apikey.KeyHasher;
import io.tollgate.error.GatewayException;
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
    private final Cache<ByteBuffer, Caller> cache;
    /** Bumped by every invalidation: a lookup that raced with one does not put its stale answer in the cache. */
    private final AtomicLong epoch = new AtomicLong();

    public KeyAuthenticator(KeyHasher hasher, CallerRepository callers, Clock clock, AuthConfig config) {
        this.hasher = hasher;
        this.callers = callers;
        this.clock = clock;
        long ttl = config.cacheTtl().toNanos();
        long unknownTtl = config.unknownKeyTtl().toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.cacheSize())
                .expireAfter(new Expiry<ByteBuffer, Caller>() {
                    @Override
                    public long expireAfterCreate(ByteBuffer key, Caller value, long currentTime) {
                        return value.state() == Caller.State.UNKNOWN ? unknownTtl : ttl;
                    }

                    @Override
                    public long expireAfterUpdate(ByteBuffer key, Caller value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(ByteBuffer key, Caller value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** @param presented the key as the client sent it, or null when it sent none */
    public Uni<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Uni.createFrom().failure(GatewayException.invalidApiKey(
                    "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'"));
        }
        if (!KeyFormat.looksValid(presented)) {
            return Uni.createFrom().failure(GatewayException.invalidApiKey("Invalid API key"));
        }
        byte[] hash = hasher.hash(presented);
        ByteBuffer cacheKey = ByteBuffer.wrap(hash);
        Caller cached = cache.getIfPresent(cacheKey);
        if (cached != null) {
            return check(cached);
        }
        long startEpoch = epoch.get();
        return callers.findByHash(hash)
                .onFailure().transform(e -> {
                    LOG.warnf("Key lookup failed, answering 503: %s", e.toString());
                    return GatewayException.unavailable("key_store_unavailable",
                            "The key store is unavailable; retry shortly");
                })
                .chain(caller -> {
                    if (epoch.get() == startEpoch) {
                        cache.put(cacheKey, caller);
                    }
                    return check(caller);
                });
    }

    private Uni<Caller> check(Caller caller) {
        String problem = switch (caller.state()) {
            case UNKNOWN -> "Invalid API key";
            case REVOKED -> "API key revoked";
            case TENANT_DISABLED -> "API key belongs to a disabled tenant";
            case ACTIVE -> caller.expiresAt() != null && !clock.instant().isBefore(caller.expiresAt())
                    ? "API key expired"
                    : null;
        };
        return problem == null ? Uni.createFrom().item(caller)
                : Uni.createFrom().failure(GatewayException.invalidApiKey(problem));
    }

    void onKeyChanged(@Observes KeyChanged event) {
        invalidateKey(event.keyId());
    }

    void onTenantChanged(@Observes TenantChanged event) {
        invalidateTenant(event.tenantId());
    }

    void invalidateKey(UUID keyId) {
        epoch.incrementAndGet();
        cache.asMap().values().removeIf(c -> keyId.equals(c.keyId()));
    }

    void invalidateTenant(UUID tenantId) {
        epoch.incrementAndGet();
        cache.asMap().values().removeIf(c -> tenantId.equals(c.tenantId()));
    }

    void invalidateAll() {
        epoch.incrementAndGet();
        cache.invalidateAll();
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

}
