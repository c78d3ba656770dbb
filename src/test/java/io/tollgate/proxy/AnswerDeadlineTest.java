package io.tollgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/**
 * {@code tollgate.proxy.answer-deadline} (600 ms here; 25 s by default on Heroku, whose router cuts a request after 30
 * s without a byte): a 504 of tollgate's own, which SDKs are told not to retry, and the upstream's answer still read
 * and billed; answers that start in time, streams included, are untouched.
 */
@QuarkusTest
@TestProfile(AnswerDeadlineTest.Deadline.class)
class AnswerDeadlineTest {

    public static class Deadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tollgate.proxy.answer-deadline", "600ms");
        }
    }

    static final String PATH = "/v1/chat/completions";
    static final String CHAT = "{\"model\":\"claude-4-5-haiku\"%s,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final Map<String, String> SLOW = Map.of("x-sim-latency-ms", "1500");

    @Inject
    Gateway gateway;

    Gateway.TestKey key;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newTestKey();
    }

    @Test
    void aLateAnswerGets504AtTheDeadlineAndIsStillBilled() throws Exception {
        long start = System.nanoTime();
        var response = java.net.http.HttpClient.newHttpClient()
                .send(Sse.request(PATH, key.secret(), CHAT.formatted(""), SLOW).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(504, response.statusCode());
        assertEquals("answer_deadline_exceeded", JsonPath.from(response.body()).getString("error.code"));
        assertEquals("false", response.headers().firstValue("x-should-retry").orElse(null));
        assertTrue(tookMs < 1400, "answered at the deadline, not with the upstream: " + tookMs + " ms");
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();

        Gateway.await("the upstream to answer", () -> gateway.simulator().count(PATH) == 1
                && gateway.simulator().requests(PATH).get(0).outcome() == RecordedRequest.Outcome.COMPLETED);
        Row row = gateway.usageRow(requestId);
        assertEquals(504, row.getInteger("status"));
        assertEquals(12, row.getLong("output_tokens"), "the upstream's answer, read after the deadline");
        assertEquals(1, gateway.simulator().count(PATH));
    }

    @Test
    void answersAndStreamsThatStartInTimeAreUntouched() throws Exception {
        // a stream whose headers come at once and whose events take 1.2 s in all
        var stream = Sse.post(PATH, key.secret(), CHAT.formatted(",\"stream\":true"),
                Map.of("x-sim-chunk-delay-ms", "100", "x-sim-reply-tokens", "10"));
        assertEquals(200, stream.status());
        assertEquals("[DONE]", stream.events().get(stream.events().size() - 1).data());
        assertEquals(10, gateway.usageRow(stream.requestId()).getLong("output_tokens"));

        // in time, then past the deadline's moment: nothing more happens to it
        String id = gateway.chat(key.secret());
        Thread.sleep(800);
        List<Row> rows = gateway.usageRowsOfKey(key.id());
        assertEquals(2, rows.size());
        assertEquals(200, gateway.usageRow(id).getInteger("status"));
    }

    @Test
    void theOpenAiSdkDoesNotRetryTheDeadlines504() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(Sse.uri("/v1").toString()).apiKey(key.secret())
                .maxRetries(2).timeout(Duration.ofSeconds(10)).build();
        try {
            ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("claude-4-5-haiku")
                    .addUserMessage("Hi");
            SLOW.forEach(params::putAdditionalHeader);
            InternalServerException e = assertThrows(InternalServerException.class,
                    () -> client.chat().completions().create(params.build()));
            assertEquals(504, e.statusCode());
        } finally {
            client.close();
        }
        assertEquals(1, gateway.simulator().count(PATH), "one generation, not one per SDK retry");
    }

    @Test
    void herokuGetsItsDeadlineUnlessOneIsSetAndZeroTurnsItOff() {
        assertEquals(ProxyConfig.HEROKU_ANSWER_DEADLINE,
                ProxyConfig.answerDeadline(Optional.empty(), Map.of("DYNO", "web.1")));
        assertEquals(null, ProxyConfig.answerDeadline(Optional.empty(), Map.of()));
        assertEquals(Duration.ofSeconds(50), ProxyConfig.answerDeadline(Optional.of(Duration.ofSeconds(50)), Map.of()));
        assertEquals(null, ProxyConfig.answerDeadline(Optional.of(Duration.ZERO), Map.of("DYNO", "web.1")));
    }
}
