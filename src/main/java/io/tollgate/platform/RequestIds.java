package io.tollgate.platform;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.MDC;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Every response carries {@code x-request-id}, generated here: 48 bits of milliseconds then 80 random bits, so ids
 * sort by time and never collide in practice. The same id keys the request's usage row.
 */
@Singleton
public class RequestIds {

    public static final String HEADER = "x-request-id";
    /** Where Anthropic's API and SDKs carry a request id; tollgate sends its own id there on Anthropic's endpoint. */
    public static final String ANTHROPIC_HEADER = "request-id";
    /** The request id's field in log records (JSON logs print it under {@code mdc}). */
    public static final String LOG_FIELD = "requestId";
    private static final String CONTEXT_KEY = "tollgate.request-id";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String id = next();
            ctx.put(CONTEXT_KEY, id);
            ctx.response().putHeader(HEADER, id);
            ctx.next();
        });
    }

    public static String of(RoutingContext ctx) {
        String id = ctx.get(CONTEXT_KEY);
        return id != null ? id : next();
    }

    /**
     * Runs {@code log} with the request id as a field of the records it writes, so that logs can be searched by the
     * id the client saw. Set only while logging: a request that logs nothing pays nothing for it.
     */
    public static void logging(String requestId, Runnable log) {
        MDC.put(LOG_FIELD, requestId);
        try {
            log.run();
        } finally {
            MDC.remove(LOG_FIELD);
        }
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[36];
        out[0] = 'r';
        out[1] = 'e';
        out[2] = 'q';
        out[3] = '_';
        hex(out, 4, System.currentTimeMillis(), 12);
        hex(out, 16, random.nextLong(), 16);
        hex(out, 32, random.nextInt() & 0xffff, 4);
        return new String(out);
    }

    private static void hex(char[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }
}
