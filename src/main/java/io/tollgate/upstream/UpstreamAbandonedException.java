package io.tollgate.upstream;

/** A retry, or a call waiting in the bulkhead, that did not start because its client had left. */
public class UpstreamAbandonedException extends RuntimeException {

    public UpstreamAbandonedException() {
        super("The client left before the upstream answered", null, false, false);
    }
}
