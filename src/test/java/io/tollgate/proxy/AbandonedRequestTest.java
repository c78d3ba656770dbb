package io.tollgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A client that leaves before a non-streamed answer (its own timeout, an ingress that gives up): the upstream
 * generates the answer whole before its headers, so it is billed upstream whether or not anyone reads it. tollgate
 * reads it and records its usage, and starts no retry for a client that is gone, whose request was a stream either.
 */
@QuarkusTest
class AbandonedRequestTest {

    static final String PATH = "/v1/chat/completions";
    static final String CHAT = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final String STREAM = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");

    @Inject
    Gateway gateway;

    Gateway.TestKey key;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newTestKey();
        gateway.chat(key.secret()); // warm: the request below reaches the upstream well before its client leaves
        gateway.simulator().reset();
    }

    @Test
    void anAnswerItsClientLeftBeforeIsReadAndBilled() throws Exception {
        leaveAfter300ms(Map.of("x-sim-latency-ms", "1000"));

        Gateway.await("the upstream to answer", () -> gateway.simulator().count(PATH) == 1
                && gateway.simulator().requests(PATH).get(0).outcome() == RecordedRequest.Outcome.COMPLETED);
        Row row = row();
        assertEquals(ProxyHandler.CLIENT_CLOSED, row.getInteger("status"));
        assertFalse(row.getBoolean("completed"));
        // the simulator's default answer: 1 prompt token, 12 completion tokens; before, 0 and 0
        assertEquals(1, row.getLong("input_tokens"));
        assertEquals(12, row.getLong("output_tokens"));
        assertEquals(1, gateway.simulator().count(PATH));
    }

    @Test
    void noRetryStartsForAClientThatLeft() throws Exception {
        // every attempt answers 503 after 600 ms: the first fails after the client has gone, and is not tried again
        leaveAfter300ms(Map.of("x-sim-latency-ms", "600", "x-sim-status", "503"));

        Row row = row();
        assertEquals(ProxyHandler.CLIENT_CLOSED, row.getInteger("status"));
        assertEquals(0, row.getLong("output_tokens"));
        Thread.sleep(800); // a retry would have started by now (backoff 20-100 ms in tests)
        assertEquals(1, gateway.simulator().count(PATH), "attempts for a client that left");
        assertEquals(1, row.getInteger("attempts"));
    }

    @Test
    void noRetryStartsForAStreamWhoseClientLeftBeforeItBegan() throws Exception {
        // the same for a stream: it is cancelled when it comes, and a failed attempt is not tried again
        leaveAfter300ms(STREAM, Map.of("x-sim-latency-ms", "600", "x-sim-status", "503"));

        Row row = row();
        assertEquals(ProxyHandler.CLIENT_CLOSED, row.getInteger("status"));
        assertTrue(row.getBoolean("streamed"));
        Gateway.await("the attempt to fail upstream", () -> gateway.simulator().count(PATH) == 1
                && gateway.simulator().requests(PATH).get(0).outcome() != RecordedRequest.Outcome.IN_PROGRESS);
        Thread.sleep(500); // a retry would have started by now (backoff 20-100 ms in tests)
        assertEquals(1, gateway.simulator().count(PATH), "attempts for a client that left");
    }

    private void leaveAfter300ms(Map<String, String> simulator) {
        leaveAfter300ms(CHAT, simulator);
    }

    private void leaveAfter300ms(String body, Map<String, String> simulator) {
        HttpClient client = HttpClient.newHttpClient();
        var request = Sse.request(PATH, key.secret(), body, simulator).timeout(Duration.ofMillis(300)).build();
        assertThrows(HttpTimeoutException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** The usage row of the abandoned request (the key's other is the warm-up's), once written. */
    private Row row() {
        Row[] found = new Row[1];
        Gateway.await("the usage row of the abandoned request", () -> {
            List<Row> rows = gateway.usageRowsOfKey(key.id()).stream()
                    .filter(r -> r.getInteger("status") != 200).toList();
            if (rows.size() == 1) {
                found[0] = rows.get(0);
            }
            return rows.size() == 1;
        });
        return found[0];
    }
}
