package io.tollgate.proxy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.ToolChoiceOptions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tollgate.apikey.KeyFormat;
import io.tollgate.simulator.RecordedRequest;
import io.tollgate.simulator.SimulatedContent;
import io.tollgate.support.Gateway;
import io.tollgate.support.Sse;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The official OpenAI and Anthropic Java SDKs, unmodified, against the running gateway over real sockets: only the
 * base URL and the key differ from what a user would write against the vendor.
 */
@QuarkusTest
class SdkCompatibilityTest {

    static final String PROMPT = "Hello there, simulator";

    @Inject
    Gateway gateway;
    @Inject
    ObjectMapper mapper;
    @Inject
    MeterRegistry registry;

    String key;
    OpenAIClient openAi;
    AnthropicClient anthropic;

    @BeforeEach
    void setUp() {
        gateway.reset();
        key = gateway.newKeySecret();
        openAi = openAi(key);
        anthropic = AnthropicOkHttpClient.builder().baseUrl(Sse.uri("").toString()).apiKey(key).build();
    }

    @AfterEach
    void closeClients() {
        openAi.close();
        anthropic.close();
    }

    // --- OpenAI Java SDK -------------------------------------------------------------------------------------

    @Test
    void openAiSdkReadsAChatCompletionWhoseUsageMatchesTheBilledRow() {
        ChatCompletion completion;
        String requestId;
        try (HttpResponseFor<ChatCompletion> response = openAi.chat().completions().withRawResponse()
                .create(chat("claude-4-5-haiku").build())) {
            requestId = requestId(response.headers().values("x-request-id"));
            completion = response.parse();
        }
        completion.validate();

        String content = completion.choices().get(0).message().content().orElse("");
        assertEquals(SimulatedContent.replyText(12), content, "the simulator's default reply");
        CompletionUsage usage = completion.usage().orElseThrow();
        Row row = gateway.usageRow(requestId);
        assertEquals("chat/completions", row.getString("endpoint"));
        assertEquals(usage.promptTokens(), row.getLong("input_tokens"));
        assertEquals(usage.completionTokens(), row.getLong("output_tokens"));
        assertEquals(usage.totalTokens(), row.getLong("total_tokens"));
        assertFalse(row.getBoolean("streamed"));
    }

    @Test
    void openAiSdkAssemblesAStreamedChatCompletion() {
        List<ChatCompletionChunk> chunks;
        String requestId;
        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> response = openAi.chat().completions()
                .withRawResponse().createStreaming(chat("claude-4-5-haiku").build());
                StreamResponse<ChatCompletionChunk> stream = response.parse()) {
            requestId = requestId(response.headers().values("x-request-id"));
            chunks = stream.stream().collect(Collectors.toList());
        }

        String text = text(chunks);
        assertFalse(text.isEmpty(), "no text in " + chunks.size() + " chunks");
        assertEquals(SimulatedContent.replyText(12), text);
        assertTrue(chunks.stream().allMatch(chunk -> chunk.usage().isEmpty()),
                "the SDK did not ask for usage, so no chunk may carry it");
        Row row = gateway.usageRow(requestId);
        assertTrue(row.getBoolean("streamed"));
        assertTrue(row.getBoolean("completed"));
        assertEquals(12, row.getLong("output_tokens"));
    }

    @Test
    void openAiSdkReceivesTheUsageChunkWhenItAsksForUsage() {
        List<ChatCompletionChunk> chunks;
        String requestId;
        ChatCompletionCreateParams params = chat("claude-4-5-haiku")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> response = openAi.chat().completions()
                .withRawResponse().createStreaming(params);
                StreamResponse<ChatCompletionChunk> stream = response.parse()) {
            requestId = requestId(response.headers().values("x-request-id"));
            chunks = stream.stream().collect(Collectors.toList());
        }

        assertFalse(text(chunks).isEmpty());
        List<CompletionUsage> usages = chunks.stream().flatMap(chunk -> chunk.usage().stream()).toList();
        assertEquals(1, usages.size(), "exactly one usage chunk");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty() && last.usage().isPresent(), "the usage chunk comes last, without choices");
        CompletionUsage usage = usages.get(0);
        assertEquals(12, usage.completionTokens());
        Row row = gateway.usageRow(requestId);
        assertEquals(usage.promptTokens(), row.getLong("input_tokens"));
        assertEquals(usage.completionTokens(), row.getLong("output_tokens"));
    }

    @Test
    void openAiSdkDecodesEmbeddingsToTheUpstreamsFloats() {
        List<String> inputs = List.of("first input", "a second, longer input");
        CreateEmbeddingResponse response = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").inputOfArrayOfStrings(inputs).build());

        assertEquals(2, response.data().size());
        for (int i = 0; i < inputs.size(); i++) {
            List<Float> vector = response.data().get(i).embedding();
            assertEquals(SimulatedContent.EMBEDDING_DIMENSIONS, vector.size());
            assertArrayEquals(SimulatedContent.embedding(inputs.get(i)), toArray(vector),
                    "input " + i + " decoded to other floats than the upstream's");
        }
        assertTrue(response.usage().promptTokens() > 0);
        // the SDK asks for base64 unless told otherwise; the gateway asked Heroku for raw floats and encoded them
        JsonNode upstream = upstreamBody("/v1/embeddings");
        assertEquals("raw", upstream.path("encoding_format").asText(), upstream.toString());
        assertEquals("cohere-embed-multilingual", upstream.path("model").asText());
    }

    @Test
    void openAiSdkGeneratesAnImageThroughTheDallE3Alias() {
        ImagesResponse response = openAi.images().generate(ImageGenerateParams.builder()
                .model("dall-e-3").prompt("a lighthouse at dusk").build());

        List<Image> images = response.data().orElseThrow();
        assertEquals(1, images.size());
        assertEquals(SimulatedContent.PNG_BASE64, images.get(0).b64Json().orElse(null));
        assertEquals("stable-image-ultra", upstreamBody("/v1/images/generations").path("model").asText());
    }

    @Test
    void openAiSdkListsHerokuModelsAndTheirAliases() {
        Set<String> ids = openAi.models().list().data().stream().map(Model::id).collect(Collectors.toSet());

        assertTrue(ids.contains("claude-4-5-sonnet"), ids.toString());
        assertTrue(ids.contains("gpt-4o"), ids.toString());
    }

    @Test
    void openAiSdkRaisesUnauthorizedForAnUnknownKey() {
        OpenAIClient stranger = openAi(KeyFormat.newSecret());
        try {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> stranger.chat().completions().create(chat("claude-4-5-haiku").build()));

            assertEquals(401, e.statusCode());
            assertEquals("invalid_api_key", e.code().orElse(null));
        } finally {
            stranger.close();
        }
        assertEquals(0, gateway.simulator().count("/v1/chat/completions"), "nothing reached the upstream");
    }

    @Test
    void openAiSdkRaisesNotFoundForAnUnknownModel() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> openAi.chat().completions().create(chat("no-such-model").build()));

        assertEquals(404, e.statusCode());
        assertEquals("model_not_found", e.code().orElse(null));
        assertEquals(0, gateway.simulator().count("/v1/chat/completions"), "nothing reached the upstream");
    }

    @Test
    void sdksReadStreamsThroughTheKeepaliveCommentsOfTheirSilences() throws Exception {
        // 250 ms between the simulator's chunks, a keep-alive comment after 100-200 ms of silence in tests
        Map<String, String> slow = Map.of("x-sim-chunk-delay-ms", "250", "x-sim-reply-tokens", "3");
        var raw = Sse.post("/v1/chat/completions", key,
                "{\"model\":\"claude-4-5-haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                slow);
        assertTrue(raw.raw().contains("\n" + ProxyHandler.KEEPALIVE) || raw.raw().startsWith(ProxyHandler.KEEPALIVE),
                raw.raw());
        assertEquals(3, gateway.usageRow(raw.requestId()).getLong("output_tokens"));

        ChatCompletionCreateParams.Builder params = chat("claude-4-5-haiku");
        slow.forEach(params::putAdditionalHeader);
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params.build())) {
            chunks = stream.stream().collect(Collectors.toList());
        }
        assertEquals(SimulatedContent.replyText(3), text(chunks));

        MessageCreateParams.Builder message = MessageCreateParams.builder().model("claude-4-5-haiku").maxTokens(100)
                .addUserMessage(PROMPT);
        slow.forEach(message::putAdditionalHeader);
        List<RawMessageStreamEvent> events;
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic.messages()
                .createStreaming(message.build())) {
            events = stream.stream().collect(Collectors.toList());
        }
        assertEquals(SimulatedContent.replyText(3), events.stream().flatMap(e -> e.contentBlockDelta().stream())
                .flatMap(delta -> delta.delta().text().stream()).map(delta -> delta.text())
                .collect(Collectors.joining()));
        assertTrue(events.get(events.size() - 1).isMessageStop());
    }

    @Test
    void sdksDoNotRetryARequestRefusedForAUsedUpBudget() {
        String tenant = given().header("Authorization", Gateway.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "sdk-" + UUID.randomUUID(), "budget", Map.of("monthlyTokens", 0)))
                .post("/admin/v1/tenants").then().statusCode(201).extract().path("id");
        String secret = gateway.newKey(tenant, Map.of("name", "k")).path("key");
        OpenAIClient openAiClient = OpenAIOkHttpClient.builder().baseUrl(Sse.uri("/v1").toString()).apiKey(secret)
                .maxRetries(2).build();
        AnthropicClient anthropicClient = AnthropicOkHttpClient.builder().baseUrl(Sse.uri("").toString())
                .apiKey(secret).maxRetries(2).build();
        try {
            double before = refusedForBudget();
            RateLimitException openAiError = assertThrows(RateLimitException.class,
                    () -> openAiClient.chat().completions().create(chat("claude-4-5-haiku").build()));
            assertEquals("insufficient_quota", openAiError.code().orElse(null));
            assertEquals(1, refusedForBudget() - before, "the OpenAI SDK sent it once, not 1 + 2 retries");

            assertThrows(com.anthropic.errors.RateLimitException.class,
                    () -> anthropicClient.messages().create(message("claude-4-5-haiku")));
            assertEquals(2, refusedForBudget() - before, "the Anthropic SDK sent it once, not 1 + 2 retries");
        } finally {
            openAiClient.close();
            anthropicClient.close();
        }
    }

    @Test
    void openAiSdkCreatesAResponseThroughChatCompletionsAndItsUsageIsTheBilledRow() {
        Response response;
        String requestId;
        try (HttpResponseFor<Response> raw = openAi.responses().withRawResponse().create(ResponseCreateParams.builder()
                .model("claude-4-5-haiku").instructions("Be brief.").input(PROMPT).build())) {
            requestId = requestId(raw.headers().values("x-request-id"));
            response = raw.parse();
        }
        response.validate();

        assertEquals(SimulatedContent.replyText(12), outputText(response));
        assertEquals(Optional.of(ResponseStatus.COMPLETED), response.status());
        ResponseUsage usage = response.usage().orElseThrow();
        Row row = gateway.usageRow(requestId);
        assertEquals("responses", row.getString("endpoint"));
        assertEquals(usage.inputTokens(), row.getLong("input_tokens"));
        assertEquals(usage.outputTokens(), row.getLong("output_tokens"));
        assertEquals(usage.totalTokens(), row.getLong("total_tokens"));
    }

    @Test
    void openAiSdkAccumulatesAStreamedResponseToWhatTheCompletedEventHolds() {
        ResponseAccumulator accumulator = ResponseAccumulator.createWithSnapshots();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(ResponseCreateParams
                .builder().model("claude-4-5-haiku").input(PROMPT).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta()));
            });
        }

        assertEquals(SimulatedContent.replyText(12), deltas.toString());
        Response response = accumulator.response();
        response.validate();
        assertEquals(SimulatedContent.replyText(12), outputText(response));
        assertEquals(SimulatedContent.replyText(12), outputText(accumulator.reconstructedResponse()),
                "the events alone make up the same response");
        assertEquals(12, response.usage().orElseThrow().outputTokens());
        assertEquals(12, gateway.usageRow("req_" + response.id().substring(5)).getLong("output_tokens"));
    }

    @Test
    void openAiSdkRunsAFunctionCallingTurnAndSendsTheOutputBack() {
        FunctionTool weather = FunctionTool.builder().name("weather").description("The weather in a city")
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .strict(false).build();
        Response first = openAi.responses().create(ResponseCreateParams.builder().model("claude-4-5-haiku")
                .input("Weather in Paris?").addTool(weather).toolChoice(ToolChoiceOptions.REQUIRED).build());
        first.validate();

        ResponseFunctionToolCall call = first.output().stream().flatMap(item -> item.functionCall().stream())
                .findFirst().orElseThrow();
        assertEquals("weather", call.name());
        assertEquals("{\"city\":\"sample\"}", call.arguments());

        List<ResponseInputItem> turn = new ArrayList<>();
        turn.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content("Weather in Paris?").build()));
        turn.add(ResponseInputItem.ofFunctionCall(call));
        turn.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("sunny").build()));
        Response second = openAi.responses().create(ResponseCreateParams.builder().model("claude-4-5-haiku")
                .inputOfResponse(turn).addTool(weather).build());
        second.validate();

        assertEquals(SimulatedContent.replyText(12), outputText(second));
        JsonNode sent = upstreamBody("/v1/chat/completions", 1);
        assertEquals(call.callId(), sent.path("messages").get(2).path("tool_call_id").asText());
        assertEquals("sunny", sent.path("messages").get(2).path("content").asText());
    }

    /** A structured output's type, as the OpenAI Java SDK derives a JSON schema from a class. */
    public static class Forecast {
        public String city;
        public long days;
        public boolean metric;
    }

    @Test
    void openAiSdkGetsAStructuredOutputAsItsClass() {
        StructuredResponse<Forecast> response = openAi.responses().create(ResponseCreateParams.builder()
                .model("claude-4-5-haiku").input("The forecast for Paris?").text(Forecast.class).build());

        Forecast forecast = response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream())
                .findFirst().orElseThrow();
        assertEquals("sample", forecast.city);
        assertEquals(1, forecast.days);
        assertTrue(forecast.metric);
        JsonNode format = upstreamBody("/v1/chat/completions").path("response_format");
        assertEquals("json_schema", format.path("type").asText());
        assertTrue(format.path("json_schema").path("strict").asBoolean(), format.toString());
    }

    @Test
    void openAiSdkRaisesForAResponsesCallThatNeedsStoredState() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> openAi.responses().create(
                ResponseCreateParams.builder().model("claude-4-5-haiku").input("And then?")
                        .previousResponseId("resp_1").build()));
        assertTrue(e.getMessage().contains("keeps no responses"), e.getMessage());
        NotFoundException missing = assertThrows(NotFoundException.class, () -> openAi.responses().retrieve("resp_1"));
        assertTrue(missing.getMessage().contains("keeps no responses"), missing.getMessage());
    }

    // --- Anthropic Java SDK ----------------------------------------------------------------------------------

    @Test
    void anthropicSdkReadsAMessageWhoseUsageMatchesTheBilledRow() {
        Message message;
        String requestId;
        try (com.anthropic.core.http.HttpResponseFor<Message> response = anthropic.messages().withRawResponse()
                .create(message("claude-4-5-haiku"))) {
            requestId = requestId(response.headers().values("x-request-id"));
            // Anthropic SDKs read request-id: tollgate's id there too, not the upstream's
            assertEquals(requestId, response.requestId().orElse(null));
            message = response.parse();
        }
        message.validate();

        String text = message.content().stream().flatMap(block -> block.text().stream())
                .map(block -> block.text()).collect(Collectors.joining());
        assertFalse(text.isEmpty(), "no text block in " + message.content());
        assertTrue(message.content().stream().allMatch(ContentBlock::isText));
        Row row = gateway.usageRow(requestId);
        assertEquals("messages", row.getString("endpoint"));
        assertEquals(message.usage().inputTokens(), row.getLong("input_tokens"));
        assertEquals(message.usage().outputTokens(), row.getLong("output_tokens"));
        assertFalse(row.getBoolean("streamed"));
        // the SDK authenticates with x-api-key; the gateway must have put Heroku's key there, not the tenant's
        RecordedRequest upstream = gateway.simulator().requests("/v1/messages").get(0);
        assertEquals(gateway.simulator().key(), upstream.header("x-api-key"));
        assertFalse(upstream.headers().toString().contains(key), "the tenant's key went upstream");
    }

    @Test
    void anthropicSdkAccumulatesAStreamedMessageAndTheRowHasTheFinalOutputTokens() {
        List<RawMessageStreamEvent> events;
        String requestId;
        try (com.anthropic.core.http.HttpResponseFor<com.anthropic.core.http.StreamResponse<RawMessageStreamEvent>> response = anthropic
                .messages().withRawResponse().createStreaming(message("claude-4-5-haiku"));
                com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = response.parse()) {
            requestId = requestId(response.headers().values("x-request-id"));
            events = stream.stream().collect(Collectors.toList());
        }

        String text = events.stream().flatMap(event -> event.contentBlockDelta().stream())
                .flatMap(delta -> delta.delta().text().stream()).map(delta -> delta.text())
                .collect(Collectors.joining());
        assertFalse(text.isEmpty(), "no text deltas in " + events.size() + " events");
        assertTrue(events.get(events.size() - 1).isMessageStop(), "the stream ends with message_stop");
        List<Long> deltaOutputTokens = events.stream().flatMap(event -> event.messageDelta().stream())
                .map(delta -> delta.usage().outputTokens()).toList();
        assertEquals(1, deltaOutputTokens.size(), "exactly one message_delta");
        long inputTokens = events.get(0).asMessageStart().message().usage().inputTokens();

        Row row = gateway.usageRow(requestId);
        assertTrue(row.getBoolean("streamed"));
        assertTrue(row.getBoolean("completed"));
        assertEquals(deltaOutputTokens.get(0), row.getLong("output_tokens"));
        assertEquals(inputTokens, row.getLong("input_tokens"));
    }

    @Test
    void anthropicSdkReadsTollgatesOwnErrorAsAnAnthropicError() {
        AnthropicClient stranger = AnthropicOkHttpClient.builder().baseUrl(Sse.uri("").toString())
                .apiKey(KeyFormat.newSecret()).maxRetries(0).build();
        try {
            com.anthropic.errors.UnauthorizedException e = assertThrows(com.anthropic.errors.UnauthorizedException.class,
                    () -> stranger.messages().create(message("claude-4-5-haiku")));

            assertEquals(401, e.statusCode());
            assertEquals(com.anthropic.models.ErrorType.AUTHENTICATION_ERROR, e.errorType().orElse(null));
            assertEquals("Invalid API key", e.apiMessage().orElse(null));
            // Anthropic's envelope, {"type":"error","error":{...}}, around OpenAI's error object
            assertEquals("error", e.body().convert(JsonNode.class).path("type").asText());
            assertTrue(e.requestId().orElse("").startsWith("req_"), "request-id: " + e.requestId());
            assertEquals(e.requestId(), Optional.ofNullable(e.headers().values("x-request-id").get(0)));
        } finally {
            stranger.close();
        }
        assertEquals(0, gateway.simulator().count("/v1/messages"), "nothing reached the upstream");
    }

    @Test
    void anthropicSdkPagesThroughTheSameModelsTheOpenAiSdkLists() {
        List<String> openAiIds = openAi.models().list().data().stream().map(Model::id).sorted().toList();
        assertTrue(openAiIds.size() > 3, "enough models to page through: " + openAiIds);

        List<String> paged = new ArrayList<>();
        int pages = 0;
        ModelListPage page = anthropic.models().list(ModelListParams.builder().limit(2).build());
        while (true) {
            pages++;
            for (ModelInfo model : page.data()) {
                model.validate();
                assertEquals(model.id(), model.displayName());
                assertEquals(0, model.createdAt().toEpochSecond());
                assertEquals(ModelInfo.Lifecycle.ACTIVE, model.lifecycle());
                paged.add(model.id());
            }
            if (!page.hasNextPage()) {
                break;
            }
            page = page.nextPage();
        }

        assertEquals(openAiIds, paged, "every model once, in order, two a page");
        assertEquals((openAiIds.size() + 1) / 2, pages);
        ModelInfo one = anthropic.models().retrieve("claude-4-5-sonnet");
        one.validate();
        assertEquals("claude-4-5-sonnet", one.id());
        assertThrows(com.anthropic.errors.NotFoundException.class, () -> anthropic.models().retrieve("no-such-model"));
        assertTrue(anthropic.models().list(ModelListParams.builder().addLifecycle(ModelListParams.Lifecycle.RETIRED)
                .build()).data().isEmpty(), "every model Heroku serves is active");
        assertEquals(openAiIds.size(), anthropic.models().list(ModelListParams.builder().limit(1000)
                .addLifecycle(ModelListParams.Lifecycle.ACTIVE).build()).data().size());
        com.anthropic.errors.BadRequestException e = assertThrows(com.anthropic.errors.BadRequestException.class,
                () -> anthropic.models().list(ModelListParams.builder().limit(0).build()));
        assertTrue(e.apiMessage().orElse("").contains("limit"), e.getMessage());
    }

    private double refusedForBudget() {
        Counter counter = registry.find("tollgate.requests.rejected").tag("reason", "insufficient_quota").counter();
        return counter == null ? 0 : counter.count();
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private JsonNode upstreamBody(String path) {
        return upstreamBody(path, 0);
    }

    private JsonNode upstreamBody(String path, int index) {
        String body = gateway.simulator().requests(path).get(index).body();
        try {
            return mapper.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static OpenAIClient openAi(String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(Sse.uri("/v1").toString()).apiKey(apiKey).build();
    }

    private static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(PROMPT);
    }

    private static MessageCreateParams message(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(100).addUserMessage(PROMPT).build();
    }

    /** The text of a response's messages, as the OpenAI SDKs' outputText helpers read it. */
    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            item.message().ifPresent(message -> message.content().forEach(
                    content -> content.outputText().ifPresent(part -> text.append(part.text()))));
        }
        return text.toString();
    }

    private static String requestId(List<String> values) {
        assertEquals(1, values.size(), "one x-request-id header: " + values);
        return values.get(0);
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        StringBuilder text = new StringBuilder();
        for (ChatCompletionChunk chunk : chunks) {
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                choice.delta().content().ifPresent(text::append);
            }
        }
        return text.toString();
    }

    private static float[] toArray(List<Float> values) {
        List<Float> copy = new ArrayList<>(values);
        float[] array = new float[copy.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = copy.get(i);
        }
        return array;
    }
}
