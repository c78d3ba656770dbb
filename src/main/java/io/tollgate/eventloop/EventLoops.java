package io.tollgate.eventloop;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Plumbing for code that runs on the event loops: getting back to the request's loop after work that may finish
 * elsewhere, and caches read there. No state.
 */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * The item or failure of {@code uni}, delivered on the Vert.x context current now (the request's event loop):
     * at once when it arrives there already, else as a task on it. Outside Vert.x, {@code uni} as it is. Not hopping
     * when already on the loop matters: the caller then sets its handlers before anything else on the loop can run.
     */
    public static <T> Uni<T> backToCurrent(Uni<T> uni) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return uni;
        }
        return uni.emitOn(task -> {
            if (Vertx.currentContext() == context) {
                task.run();
            } else {
                context.runOnContext(v -> task.run());
            }
        });
    }

    /**
     * A Caffeine builder for a cache read on the event loops: its upkeep (recording reads, expiring, evicting) runs
     * on the thread that reads or writes, instead of as a task handed to {@code ForkJoinPool.commonPool()}
     * (Caffeine's default). The handoff woke a pool thread every few reads, which then contended for the cache's lock
     * with the loops: that thread alone used ~2.4 % of the loops' CPU at ~375 requests a second. The upkeep is a
     * few entries at a time, except when many entries expire in the same second (thousands of keys first seen
     * together): then the request that triggers it pays for all of them, under a microsecond each (100,000 in 5 to
     * 70 ms here, cold to warm).
     */
    public static Caffeine<Object, Object> cacheBuilder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }
}
