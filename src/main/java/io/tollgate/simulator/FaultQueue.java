package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Injected faults in arrival order; each is used by the next matching requests until its count runs out. */
final class FaultQueue {

    private static final class Pending {
        final Fault fault;
        int remaining;

        Pending(Fault fault) {
            this.fault = fault;
            this.remaining = fault.times();
        }
    }

    private final List<Pending> queue = new ArrayList<>();

    synchronized void add(Fault fault) {
        queue.add(new Pending(fault));
    }

    /** The first fault bound to this path (or to any path), used up by one request; null when none matches. */
    synchronized Fault take(String path) {
        Iterator<Pending> it = queue.iterator();
        while (it.hasNext()) {
            Pending pending = it.next();
            if (pending.fault.matches(path)) {
                if (--pending.remaining == 0) {
                    it.remove();
                }
                return pending.fault;
            }
        }
        return null;
    }

    /** What is still queued, each with the number of requests it will still affect as its {@code times}. */
    synchronized List<Fault> pending() {
        List<Fault> pending = new ArrayList<>();
        for (Pending p : queue) {
            pending.add(p.fault.withTimes(p.remaining));
        }
        return pending;
    }

    synchronized void clear() {
        queue.clear();
    }
}
