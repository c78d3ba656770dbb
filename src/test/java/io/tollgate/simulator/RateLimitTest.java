package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class RateLimitTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HI = "{\"model\":\"claude-3-haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static HerokuSimulator simulator;
    private static SimulatorClient client;

    @BeforeAll
    static void start() {
        simulator = HerokuSimulator.start(SimulatorOptions.defaults());
        client = new SimulatorClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    @Test
    void countsDownRemainingRequestsAndTokensInTheWindow() {
        int tokensPerCall = TokenCount.of("hi") + 12;

        HttpResponse<String> first = client.post(CHAT, HI);
        HttpResponse<String> second = client.post(CHAT, HI);

        assertEquals("250", first.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertEquals("249", first.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals("248", second.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals(String.valueOf(800_000 - 2 * tokensPerCall),
                second.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        assertEquals("60s", first.headers().firstValue("x-ratelimit-reset-requests").orElseThrow());
    }

    @Test
    void keepsOneWindowPerKeyAndModel() {
        client.post(CHAT, HI);

        HttpResponse<String> otherModel = client.post(CHAT, HI.replace("claude-3-haiku", "nova-lite"));

        assertEquals("149", otherModel.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
    }

    @Test
    void refusesOverTheRequestLimitWith429AndRetryAfterWhenEnforced() {
        simulator.override(o -> o.rateLimits(true).limit("claude-3-haiku", 2, 800_000));

        assertEquals(200, client.post(CHAT, HI).statusCode());
        assertEquals(200, client.post(CHAT, HI).statusCode());
        HttpResponse<String> refused = client.post(CHAT, HI);

        assertEquals(429, refused.statusCode());
        JsonNode error = SimulatorClient.json(refused.body()).get("error");
        assertEquals("rate_limit_error", error.get("type").asText());
        assertEquals(429, error.get("code").asInt());
        long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
        assertEquals("0", refused.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals("2", refused.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertTrue(refused.headers().firstValue("x-ratelimit-reset-requests").isPresent());
    }

    @Test
    void refusesOverTheTokenLimitWhenEnforced() {
        int tokensPerCall = TokenCount.of("hi") + 12;
        simulator.override(o -> o.rateLimits(true).limit("claude-3-haiku", 100, tokensPerCall + 1));

        assertEquals(200, client.post(CHAT, HI).statusCode());
        HttpResponse<String> refused = client.post(CHAT, HI);

        assertEquals(429, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    }

    @Test
    void onlyReportsLimitsWhenNotEnforced() {
        simulator.override(o -> o.limit("claude-3-haiku", 1, 800_000));

        client.post(CHAT, HI);
        HttpResponse<String> over = client.post(CHAT, HI);

        assertEquals(200, over.statusCode());
        assertEquals("0", over.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
    }

    @Test
    void refusesMessagesInTheAnthropicEnvelope() {
        simulator.override(o -> o.rateLimits(true).limit("claude-3-haiku", 1, 800_000));
        String body = "{\"model\":\"claude-3-haiku\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        client.post("/v1/messages", body);
        HttpResponse<String> refused = client.post("/v1/messages", body);

        assertEquals(429, refused.statusCode());
        assertEquals("rate_limit_error", SimulatorClient.json(refused.body()).get("error").get("type").asText());
        assertTrue(refused.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void resetEmptiesTheWindows() {
        simulator.override(o -> o.rateLimits(true).limit("claude-3-haiku", 1, 800_000));
        client.post(CHAT, HI);
        assertEquals(429, client.post(CHAT, HI).statusCode());

        simulator.reset();
        simulator.override(o -> o.rateLimits(true).limit("claude-3-haiku", 1, 800_000));

        assertEquals(200, client.post(CHAT, HI).statusCode());
    }
}
