package io.tollgate.ratelimit;

import java.time.Duration;
import java.util.Collection;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Cache;

import io.tollgate.eventloop.EventLoops;

/**
 * Buckets by id, each with the version of the limits it was made for: a caller with newer limits makes it anew (or
 * reconfigures it) once, atomically per id; unused ones are forgotten after {@code idle}.
 */
final class VersionedCache<T> {

    private record Entry<T>(long version, T value) {
    }

    private final Cache<String, Entry<T>> entries;

    VersionedCache(Duration idle) {
        this.entries = EventLoops.cacheBuilder().expireAfterAccess(idle).build();
    }

    /** The value made for {@code version} or a newer one, else null. Never blocks. */
    T current(String id, long version) {
        Entry<T> entry = entries.getIfPresent(id);
        return entry != null && entry.version() >= version ? entry.value() : null;
    }

    /**
     * The current value, or what {@code make} returns from the older one (null when there is none), kept for
     * {@code version}.
     */
    T currentOrMake(String id, long version, UnaryOperator<T> make) {
        T current = current(id, version);
        if (current != null) {
            return current;
        }
        return entries.asMap().compute(id, (k, existing) -> existing != null && existing.version() >= version
                ? existing
                : new Entry<>(version, make.apply(existing == null ? null : existing.value()))).value();
    }

    Collection<T> values() {
        return entries.asMap().values().stream().map(Entry::value).toList();
    }

    void clear() {
        entries.invalidateAll();
    }
}
