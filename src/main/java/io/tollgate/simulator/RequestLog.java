package io.tollgate.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tollgate.simulator.RecordedRequest.Outcome;

/** Every simulated request and its outcome; written on the event loop, read from test threads. */
final class RequestLog {

    /** The live record of one request; its outcome moves once from IN_PROGRESS to a final value. */
    static final class Entry {
        private final long sequence;
        private final String method;
        private final String path;
        private final String query;
        private final Map<String, String> headers;
        private final String body;
        private final Instant time;
        private Outcome outcome = Outcome.IN_PROGRESS;
        private int status;
        private Fault.Kind fault;

        private Entry(long sequence, String method, String path, String query, Map<String, String> headers,
                String body, Instant time) {
            this.sequence = sequence;
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
            this.body = body;
            this.time = time;
        }

        synchronized void status(int status) {
            this.status = status;
        }

        synchronized void fault(Fault.Kind fault) {
            this.fault = fault;
        }

        synchronized void finish(Outcome outcome) {
            if (this.outcome == Outcome.IN_PROGRESS) {
                this.outcome = outcome;
            }
        }

        synchronized RecordedRequest snapshot() {
            return new RecordedRequest(sequence, method, path, query, headers, body, time, outcome, status, fault);
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private long sequence;

    synchronized Entry add(String method, String path, String query, Map<String, String> headers, String body,
            int maxRecords) {
        Entry entry = new Entry(++sequence, method, path, query, Map.copyOf(headers), body, Instant.now());
        entries.addLast(entry);
        while (entries.size() > maxRecords) {
            entries.removeFirst();
        }
        counts.merge(path, 1, Integer::sum);
        return entry;
    }

    synchronized List<RecordedRequest> snapshot() {
        List<RecordedRequest> snapshot = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            snapshot.add(entry.snapshot());
        }
        return snapshot;
    }

    synchronized int count(String path) {
        return counts.getOrDefault(path, 0);
    }

    synchronized Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }

    synchronized void clear() {
        entries.clear();
        counts.clear();
        sequence = 0;
    }
}
