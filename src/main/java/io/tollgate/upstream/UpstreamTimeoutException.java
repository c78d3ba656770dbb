package io.tollgate.upstream;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The upstream sent nothing within the first-byte timeout, or nothing more within the idle timeout. */
public class UpstreamTimeoutException extends TimeoutException {

    public UpstreamTimeoutException(Duration firstByteTimeout) {
        this("The upstream sent nothing within " + firstByteTimeout.toMillis() + " ms (first-byte timeout)");
    }

    public UpstreamTimeoutException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
