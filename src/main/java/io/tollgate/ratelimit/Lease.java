package io.tollgate.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * What an admitted request holds until it ends: its concurrency slots and its token reservation, plus the limit
 * headers for its response. {@link #finish} gives the slots back and settles the reservation to the real usage; it
 * runs once, however many ways the request ends.
 */
public final class Lease {

    private static final Logger LOG = Logger.getLogger(Lease.class);

    /** A request nothing limits. */
    public static final Lease NONE = new Lease(List.of(), Map.of(), Runnable::run);

    /** One bucket the request took {@code amount} tokens from. */
    record Taken(Limits.Kind kind, LimitBucket bucket, long amount) {
    }

    private final List<Taken> taken;
    private final Map<String, String> headers;
    private final Executor executor;
    private final AtomicBoolean finished = new AtomicBoolean();

    Lease(List<Taken> taken, Map<String, String> headers, Executor executor) {
        this.taken = taken;
        this.headers = headers;
        this.executor = executor;
    }

    /** The {@code x-ratelimit-*} headers for the response (none for what is not limited). */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Ends the lease: slots back; the token reservation settled to {@code usedTokens} (the difference returned or,
     * when the answer used more than reserved, charged, which can leave the bucket in debt). When the usage is not
     * known (the client left before the answer) the reservation stays charged.
     */
    public void finish(long usedTokens, boolean usageKnown) {
        if (taken.isEmpty() || !finished.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    settle(taken, usedTokens, usageKnown);
                } catch (RuntimeException e) {
                    LOG.warnf("Could not settle a rate-limit lease: %s", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the slots come back through the buckets' refill
        }
    }

    /** Gives back everything taken, as if the request had never been admitted. */
    static void refund(List<Taken> taken) {
        for (Taken t : taken) {
            t.bucket().give(t.amount());
        }
    }

    static void settle(List<Taken> taken, long usedTokens, boolean usageKnown) {
        for (Taken t : taken) {
            switch (t.kind()) {
                case CONCURRENT -> t.bucket().give(t.amount());
                case TOKENS -> {
                    if (!usageKnown) {
                        continue;
                    }
                    long difference = usedTokens - t.amount();
                    if (difference > 0) {
                        t.bucket().charge(difference);
                    } else if (difference < 0) {
                        t.bucket().give(-difference);
                    }
                }
                case REQUESTS -> {
                    // a request is counted when it starts, whatever its outcome
                }
            }
        }
    }
}
