package io.tollgate.simulator;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One simulated route, with the checks every route shares: key, body, model, parameters, rate limit. */
abstract class Endpoint {

    static final String SYSTEM_FINGERPRINT = "heroku-inf-s1mul8";

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final RateLimiter limiter;

    Endpoint(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /** Answers the request; may throw {@link ApiError} for an error answer. */
    abstract void handle(Exchange exchange);

    static String bearerKey(Exchange exchange) {
        return checkKey(exchange, bearer(exchange));
    }

    /** {@code x-api-key} as the Anthropic SDK sends it, or a Bearer key. */
    static String apiKeyOrBearer(Exchange exchange) {
        String apiKey = exchange.request.getHeader("x-api-key");
        return checkKey(exchange, apiKey != null ? apiKey.trim() : bearer(exchange));
    }

    static ObjectNode body(Exchange exchange) {
        ObjectNode body = Json.parseObject(exchange.body);
        if (body == null) {
            throw ApiError.invalid("malformed JSON body");
        }
        return body;
    }

    static SimulatedModels.Model model(Exchange exchange, ObjectNode body, String key, SimulatedModels.Kind kind) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ApiError.invalid("'model' is missing");
        }
        if (!model.isTextual()) {
            throw ApiError.invalid("'model' must be a string");
        }
        SimulatedModels.Model found = SimulatedModels.find(model.asText())
                .orElseThrow(() -> ApiError.invalid("unknown model '" + model.asText() + "'"));
        if (found.kind() != kind) {
            throw ApiError.invalid("model '" + found.id() + "' does not support this endpoint");
        }
        if (!exchange.options.mayUse(key, found.id())) {
            throw new ApiError(403, "You do not have access to that model");
        }
        return found;
    }

    /** A non-empty array of message objects whose roles are among {@code roles}. */
    static JsonNode messages(ObjectNode body, String... roles) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.invalid("'messages' is missing");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("'messages' must be a non-empty array");
        }
        for (JsonNode message : messages) {
            String role = message.path("role").asText(null);
            if (!message.isObject() || role == null || !List.of(roles).contains(role)) {
                throw ApiError.invalid("invalid role '" + role + "'");
            }
        }
        return messages;
    }

    /** The integer field, null when absent. */
    static Integer optionalInt(ObjectNode body, String field, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToExactIntegral() || value.asLong() < min || value.asLong() > max) {
            throw ApiError.invalid("'" + field + "' must be an integer between " + min + " and " + max);
        }
        return (int) Math.min(Integer.MAX_VALUE, value.asLong());
    }

    static void optionalNumber(ObjectNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull()
                && (!value.isNumber() || value.asDouble() < min || value.asDouble() > max)) {
            throw ApiError.invalid("'" + field + "' must be a number between " + min + " and " + max);
        }
    }

    static boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid("'" + field + "' must be a boolean");
        }
        return value.asBoolean();
    }

    static String optionalEnum(ObjectNode body, String field, String fallback, String... allowed) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() || !List.of(allowed).contains(value.asText())) {
            throw ApiError.invalid("'" + field + "' must be one of " + String.join(", ", allowed));
        }
        return value.asText();
    }

    /** Counts the request in its key×model window; 429 when over and limits are enforced. */
    Map<String, String> rateLimit(Exchange exchange, String key, SimulatedModels.Model model, long tokens) {
        RateLimiter.Decision decision = limiter.acquire(key, model.id(), exchange.options.limitsFor(model), tokens,
                exchange.options.rateLimits());
        if (!decision.allowed()) {
            throw new ApiError(429, "Rate limit exceeded", decision.headers());
        }
        return decision.headers();
    }

    static ObjectNode usage(int prompt, int completion) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static String chatCompletionId() {
        StringBuilder id = new StringBuilder("chatcmpl-");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 21; i++) {
            id.append(Character.forDigit(random.nextInt(16), 16));
        }
        return id.toString();
    }

    static String randomId(String prefix, int length) {
        StringBuilder id = new StringBuilder(prefix);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            id.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        return id.toString();
    }

    private static String bearer(Exchange exchange) {
        String authorization = exchange.request.getHeader("authorization");
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return value.substring(7).trim();
        }
        return "";
    }

    private static String checkKey(Exchange exchange, String key) {
        if (key == null || key.isEmpty()) {
            throw new ApiError(401, "Unauthorized");
        }
        if (!exchange.options.keys().contains(key)) {
            throw new ApiError(401, "Invalid API key provided");
        }
        return key;
    }
}
