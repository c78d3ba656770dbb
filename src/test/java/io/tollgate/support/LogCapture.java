package io.tollgate.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** The records a class's logger writes at a level or above while this is open: what an operator would read. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler;

    private LogCapture(Class<?> source, Level threshold) {
        this.logger = Logger.getLogger(source.getName());
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= threshold.intValue()) {
                    if (record instanceof ExtLogRecord ext) {
                        ext.copyAll(); // the MDC (the request id) as it is now, on the thread that logs
                    }
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
    }

    public static LogCapture of(Class<?> source, Level threshold) {
        return new LogCapture(source, threshold);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
