package io.tollgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class StreamCancellationTest {

    @Inject
    Gateway gateway;

    @BeforeEach
    void setUp() {
        gateway.reset();
    }

    @Test
    void clientDisconnectMidStreamCancelsTheUpstreamAndRecordsWhatWasDelivered() throws Exception {
        String key = gateway.newKeySecret();
        HttpClient client = HttpClient.newHttpClient();
        var request = Sse.request("/v1/chat/completions", key,
                "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                Map.of("x-sim-never-finish", "true", "x-sim-chunk-delay-ms", "20", "x-sim-reply-tokens", "50")).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        int events = 0;
        InputStream body = response.body();
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while (events < 5 && (line = reader.readLine()) != null) {
            if (line.startsWith("data:")) {
                events++;
            }
        }
        body.close();

        Gateway.await("the upstream to see the cancel", () -> {
            RecordedRequest upstream = gateway.simulator().requests("/v1/chat/completions").get(0);
            return upstream.outcome() == RecordedRequest.Outcome.CLIENT_CANCELLED;
        });
        Row row = gateway.usageRow(requestId);
        assertFalse(row.getBoolean("completed"));
        assertTrue(row.getBoolean("streamed"));
        assertTrue(row.getLong("output_tokens") >= 4, "at least the 4 content tokens read were delivered");
    }
}
