package io.tollgate.simulator;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code POST /v1/images/generations}: Stable Image Ultra, answered with a tiny real picture (§8). */
final class ImagesEndpoint extends Endpoint {

    static final int MAX_PROMPT = 10_000;
    static final int MAX_IMAGES = 10;

    ImagesEndpoint(RateLimiter limiter) {
        super(limiter);
    }

    @Override
    void handle(Exchange exchange) {
        String key = bearerKey(exchange);
        ObjectNode body = body(exchange);
        SimulatedModels.Model model = model(exchange, body, key, SimulatedModels.Kind.IMAGE);
        JsonNode prompt = body.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.asText().isEmpty()) {
            throw ApiError.invalid("'prompt' is missing");
        }
        checkLength("prompt", prompt);
        JsonNode negative = body.get("negative_prompt");
        if (negative != null && !negative.isNull()) {
            if (!negative.isTextual()) {
                throw ApiError.invalid("'negative_prompt' must be a string");
            }
            checkLength("negative_prompt", negative);
        }
        optionalEnum(body, "aspect_ratio", "1:1", "16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21");
        optionalEnum(body, "size", "1024x1024", "1344x768", "1024x1024", "1536x640", "832x1216", "1216x832",
                "896x1088", "1088x896", "768x1344", "640x1536");
        String format = optionalEnum(body, "output_format", "png", "png", "jpeg");
        optionalInt(body, "seed", 0, 4_294_967_295L);
        Integer n = optionalInt(body, "n", 1, MAX_IMAGES);

        Map<String, String> limitHeaders = rateLimit(exchange, key, model, 0);
        String picture = format.equals("jpeg") ? SimulatedContent.JPEG_BASE64 : SimulatedContent.PNG_BASE64;
        ArrayNode data = Json.array();
        for (int i = 0; i < (n == null ? 1 : n); i++) {
            ObjectNode image = Json.object();
            image.put("b64_json", picture);
            image.put("revised_prompt", "");
            data.add(image);
        }
        ObjectNode response = Json.object();
        response.put("created", now());
        response.set("data", data);
        exchange.success(response, limitHeaders);
    }

    private static void checkLength(String field, JsonNode value) {
        String text = value.asText();
        if (text.codePointCount(0, text.length()) > MAX_PROMPT) {
            throw ApiError.invalid("'" + field + "' is longer than " + MAX_PROMPT + " characters");
        }
    }
}
