package io.tollgate.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

/** A plain SSE client over a real socket: posts a request and reads the events as they come. */
public final class Sse {

    public record Event(String event, String data) {
    }

    public record Result(int status, String contentType, String requestId, List<Event> events, String raw) {
    }

    public record Timed(long firstEventMillis, long lastEventMillis, int events) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Sse() {
    }

    public static URI uri(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        if (port == 0) {
            port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        }
        return URI.create("http://localhost:" + port + path);
    }

    public static HttpRequest.Builder request(String path, String key, String body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        headers.forEach(builder::header);
        return builder;
    }

    public static Result post(String path, String key, String body) throws Exception {
        return post(path, key, body, Map.of());
    }

    public static Result post(String path, String key, String body, Map<String, String> headers) throws Exception {
        HttpResponse<String> response = CLIENT.send(request(path, key, body, headers).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Result(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                response.headers().firstValue("x-request-id").orElse(null), parse(response.body()), response.body());
    }

    /** When the first and the last event arrived, in ms from the request. */
    public static Timed postTimed(String path, String key, String body, Map<String, String> headers) throws Exception {
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = CLIENT.send(request(path, key, body, headers).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long first = -1;
        long last = -1;
        int count = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    long now = (System.nanoTime() - start) / 1_000_000;
                    if (first < 0) {
                        first = now;
                    }
                    last = now;
                    count++;
                }
            }
        }
        return new Timed(first, last, count);
    }

    public static List<Event> parse(String raw) {
        List<Event> events = new ArrayList<>();
        String event = null;
        StringBuilder data = null;
        for (String line : raw.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(event, data.toString()));
                }
                event = null;
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            }
        }
        return events;
    }
}
