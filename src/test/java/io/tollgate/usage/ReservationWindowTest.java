package io.tollgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.core.Future;

/**
 * {@code tollgate.usage.reservation-wait}: reservations share a write with those of the next moments, and an answer
 * that is ready does not wait for the window. A window of an hour, and no flush of its own, so that only an answer
 * (or the test) can have the queue written.
 */
@QuarkusTest
@TestProfile(ReservationWindowTest.LongWindow.class)
class ReservationWindowTest {

    public static class LongWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tollgate.usage.mode", "reserved", "tollgate.usage.reservation-wait", "1h",
                    "tollgate.usage.flush-interval", "1h", "tollgate.usage.reservation-sweep-interval", "1h");
        }
    }

    @Inject
    Gateway gateway;
    @Inject
    UsageRecorder recorder;
    @Inject
    MeterRegistry registry;

    @Test
    void reservationsOfTheWindowShareOneWrite() {
        UUID tenant = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        DistributionSummary writes = registry.get("tollgate.usage.ledger.write.rows").summary();
        long writesBefore = writes.count();
        List<Future<Void>> reserved = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reserved.add(recorder.reserve(new UsageEvent("req_" + UUID.randomUUID(), tenant, UUID.randomUUID(),
                    "chat.completions", "claude-4-5-haiku", "claude-4-5-haiku", "simulator", 0, Tokens.of(1, 1), false,
                    false, 0, 1, at, UsageEvent.Kind.RESERVATION)));
        }
        assertEquals(0, gateway.single("select count(*) from usage_reservation where tenant_id = $1", tenant),
                "waiting for the window");
        assertTrue(reserved.stream().noneMatch(Future::isComplete));

        recorder.hasten();
        for (Future<Void> f : reserved) {
            f.toCompletionStage().toCompletableFuture().join();
        }
        assertEquals(5, gateway.single("select count(*) from usage_reservation where tenant_id = $1", tenant));
        assertEquals(writesBefore + 1, writes.count(), "one write for the five");
        gateway.sql("delete from usage_reservation where tenant_id = $1", tenant);
    }

    @Test
    void anAnswerThatIsReadyDoesNotWaitForTheWindow() throws Exception {
        Gateway.TestKey key = gateway.newTestKey();
        String chat = "{\"model\":\"claude-4-5-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]%s}";
        // a guard against a hang, not a timing: without the answer's own write it would wait for the hour
        HttpResponse<String> answer = HttpClient.newHttpClient().sendAsync(
                Sse.request("/v1/chat/completions", key.secret(), chat.formatted(""), Map.of()).build(),
                HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        var stream = Sse.post("/v1/chat/completions", key.secret(), chat.formatted(",\"stream\":true"));
        assertEquals(200, stream.status());
        assertEquals("[DONE]", stream.events().get(stream.events().size() - 1).data());

        String requestId = answer.headers().firstValue("x-request-id").orElseThrow();
        assertFalse(gateway.usageRow(requestId).getBoolean("estimated"));
        assertFalse(gateway.usageRow(stream.requestId()).getBoolean("estimated"));
        assertEquals(0, gateway.single("select count(*) from usage_reservation where request_id = any($1)",
                (Object) new String[] { requestId, stream.requestId() }));
    }
}
