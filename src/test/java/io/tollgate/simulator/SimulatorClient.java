package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A real HTTP/1.1 client for the simulator, with SSE parsing and polling helpers. */
final class SimulatorClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One SSE event: its name (null when unnamed), its data, and the exact bytes that carried it. */
    record SseEvent(String event, String data, String raw) {
        JsonNode json() {
            return SimulatorClient.json(data);
        }
    }

    private final HerokuSimulator simulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SimulatorClient(HerokuSimulator simulator) {
        this.simulator = simulator;
    }

    /** A POST with the simulator's key as a Bearer token, plus the given header name/value pairs. */
    HttpResponse<String> post(String path, String body, String... headers) {
        return send(request(path, body, withBearer(headers)), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with exactly the given headers (no key unless given). */
    HttpResponse<String> postRaw(String path, String body, String... headers) {
        return send(request(path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** A streaming POST with the Bearer key: the body arrives as it is sent. */
    HttpResponse<InputStream> open(String path, String body, String... headers) {
        return send(request(path, body, withBearer(headers)), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<InputStream> openRaw(String path, String body, String... headers) {
        return send(request(path, body, headers), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        addHeaders(builder, headers);
        return send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> getWithKey(String path) {
        return get(path, "authorization", "Bearer " + simulator.key());
    }

    /** Sends a request that may fail at the transport level; the exception is the result then. */
    IOException failure(String path, String body, Duration timeout, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        addHeaders(builder, withBearer(headers));
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return fail("expected a transport failure, got " + response.statusCode() + " " + response.body());
        } catch (IOException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Splits a whole SSE body into its events. */
    static List<SseEvent> events(String body) {
        List<SseEvent> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isBlank()) {
                events.add(parse(block));
            }
        }
        return events;
    }

    /** Reads SSE events one at a time from a live stream. */
    static final class SseReader implements AutoCloseable {
        private final InputStream stream;
        private final BufferedReader reader;

        SseReader(InputStream stream) {
            this.stream = stream;
            this.reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        }

        /** The next event, or null at the end of the stream. */
        SseEvent next() throws IOException {
            StringBuilder block = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!block.isEmpty()) {
                        return parse(block.toString());
                    }
                } else {
                    block.append(line).append('\n');
                }
            }
            if (!block.isEmpty()) {
                throw new IOException("stream ended inside an event: " + block);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /** Polls until the condition holds, failing after the deadline. */
    static void await(String what, Duration deadline, Supplier<Boolean> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static SseEvent parse(String block) {
        String event = null;
        StringBuilder data = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.startsWith("event:")) {
                event = strip(line.substring(6));
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(strip(line.substring(5)));
            }
        }
        return new SseEvent(event, data.toString(), block.endsWith("\n") ? block : block + "\n");
    }

    private static String strip(String value) {
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    private HttpRequest request(String path, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        addHeaders(builder, headers);
        return builder.build();
    }

    private String[] withBearer(String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("authorization")) {
                return headers;
            }
        }
        String[] all = new String[headers.length + 2];
        all[0] = "authorization";
        all[1] = "Bearer " + simulator.key();
        System.arraycopy(headers, 0, all, 2, headers.length);
        return all;
    }

    private static void addHeaders(HttpRequest.Builder builder, String... headers) {
        builder.header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
