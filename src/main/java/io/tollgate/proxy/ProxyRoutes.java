package io.tollgate.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tollgate.auth.Caller;
import io.tollgate.auth.KeyAuthenticator;
import io.tollgate.error.ErrorType;
import io.tollgate.error.ErrorWriter;
import io.tollgate.error.GatewayException;
import io.tollgate.upstream.UpstreamRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The client API under {@code /v1}. These are Vert.x routes rather than REST resources: a proxy relays the
 * upstream's status, headers and bytes as they come, which a resource method's return type cannot express without
 * buffering, and the hot path is cheaper without the resource pipeline.
 */
@Singleton
public class ProxyRoutes {

    private final ProxyHandler handler;
    private final KeyAuthenticator authenticator;
    private final UpstreamRegistry registry;
    private final ErrorWriter errors;
    private final ObjectMapper mapper;
    private final Map<String, String> aliases;

    public ProxyRoutes(ProxyHandler handler, KeyAuthenticator authenticator, UpstreamRegistry registry,
            ErrorWriter errors, ObjectMapper mapper, ProxyConfig config) {
        this.handler = handler;
        this.authenticator = authenticator;
        this.registry = registry;
        this.errors = errors;
        this.mapper = mapper;
        this.aliases = Map.copyOf(config.aliases());
    }

    void register(@Observes Router router) {
        for (Endpoint endpoint : Endpoint.values()) {
            HttpMethod method = endpoint.method();
            router.route(method, endpoint.path).order(-100).handler(ctx -> handler.handle(ctx, endpoint));
            router.route(endpoint.path).order(-99).handler(ctx -> errors.write(ctx.response(), new GatewayException(
                    405, ErrorType.INVALID_REQUEST, "method_not_allowed", "Use " + method + " on " + endpoint.path)));
        }
        router.get("/v1/models").order(-100).handler(this::listModels);
        router.get("/v1/models/:model").order(-100).handler(this::getModel);
        // an SDK whose base URL misses /v1 (OpenAI's) or repeats it (Anthropic's, which adds /v1 itself)
        for (Endpoint endpoint : Endpoint.values()) {
            router.route(endpoint.path.substring(3)).order(-98).handler(this::wrongBaseUrl);
        }
        router.route("/models").order(-98).handler(this::wrongBaseUrl);
        router.route("/models/*").order(-98).handler(this::wrongBaseUrl);
        router.route("/v1/v1/*").order(-98).handler(this::wrongBaseUrl);
        router.route("/v1/*").order(10_000).handler(ctx -> unknownUrl(ctx, notServedHint(ctx.request().path())));
    }

    /** What an SDK's call to an API Heroku AI does not have (Files, Batches, token counts, a stored response) is told. */
    static String notServedHint(String path) {
        // /v1/responses/input_tokens counts tokens; the other paths under it reach a stored response
        return path.startsWith("/v1/responses/") && !path.equals("/v1/responses/input_tokens")
                ? ". tollgate keeps no responses: POST /v1/responses answers each request whole (Heroku AI has no"
                        + " Responses API; tollgate serves it through chat completions)"
                : ". Heroku AI, which tollgate forwards to, does not have it" + SERVED;
    }

    private static final String SERVED = served();

    private static String served() {
        StringBuilder served = new StringBuilder("; served here:");
        for (Endpoint endpoint : Endpoint.values()) {
            served.append(' ').append(endpoint.method()).append(' ').append(endpoint.path).append(',');
        }
        return served.append(" GET /v1/models").toString();
    }

    private void wrongBaseUrl(RoutingContext ctx) {
        unknownUrl(ctx, ". tollgate's API is under /v1: an OpenAI SDK's base URL ends in /v1 (http://<host>/v1), an"
                + " Anthropic SDK's does not (http://<host>)");
    }

    private void unknownUrl(RoutingContext ctx, String hint) {
        errors.write(ctx.response(), GatewayException.notFound("unknown_url",
                "Unknown request URL: " + ctx.request().method() + " " + ctx.request().path() + hint));
    }

    /**
     * Heroku has no {@code /v1/models}; tollgate answers it: the models this key may use, with their aliases. An
     * Anthropic SDK (it sends {@code anthropic-version}) gets Anthropic's shape, paged by {@code limit},
     * {@code after_id} and {@code before_id}; an OpenAI SDK gets OpenAI's list.
     */
    private void listModels(RoutingContext ctx) {
        authenticator.authenticate(ProxyHandler.presentedKey(ctx.request())).map(caller -> modelList(ctx, caller))
                .subscribe().with(body -> json(ctx, body), failure -> fail(ctx, failure));
    }

    private Map<String, Object> modelList(RoutingContext ctx, Caller caller) {
        List<String> models = List.copyOf(visibleModels(caller));
        List<Map<String, Object>> data = new ArrayList<>();
        if (!isAnthropic(ctx)) {
            for (String model : models) {
                data.add(modelObject(model));
            }
            return Map.of("object", "list", "data", data);
        }
        List<String> lifecycle = new ArrayList<>(ctx.queryParam("lifecycle[]"));
        lifecycle.addAll(ctx.queryParam("lifecycle"));
        ModelPage page = ModelPage.of(models, ModelPage.Query.of(ctx.request().getParam("limit"),
                ctx.request().getParam("after_id"), ctx.request().getParam("before_id"), lifecycle));
        for (String model : page.ids()) {
            data.add(anthropicModelObject(model));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("has_more", page.hasMore());
        body.put("first_id", page.ids().isEmpty() ? null : page.ids().get(0));
        body.put("last_id", page.ids().isEmpty() ? null : page.ids().get(page.ids().size() - 1));
        return body;
    }

    private void getModel(RoutingContext ctx) {
        String model = ctx.pathParam("model");
        authenticator.authenticate(ProxyHandler.presentedKey(ctx.request())).subscribe().with(caller -> {
            if (visibleModels(caller).contains(model)) {
                json(ctx, isAnthropic(ctx) ? anthropicModelObject(model) : modelObject(model));
            } else {
                errors.write(ctx.response(),
                        GatewayException.notFound("model_not_found", "The model '" + model + "' does not exist"));
            }
        }, failure -> fail(ctx, failure));
    }

    private Set<String> visibleModels(Caller caller) {
        Set<String> served = registry.models();
        Set<String> visible = new TreeSet<>();
        for (String model : served) {
            if (caller.mayUse(model)) {
                visible.add(model);
            }
        }
        aliases.forEach((alias, target) -> {
            if (served.contains(target) && (caller.mayUse(alias) || caller.mayUse(target))) {
                visible.add(alias);
            }
        });
        return visible;
    }

    private static Map<String, Object> modelObject(String id) {
        return Map.of("id", id, "object", "model", "created", 0, "owned_by", "heroku");
    }

    /**
     * Anthropic's ModelInfo, its required fields: Heroku tells no release date, so {@code created_at} is the epoch
     * (OpenAI's {@code created} is 0), and no limits or capabilities, so they are left out.
     */
    private static Map<String, Object> anthropicModelObject(String id) {
        return Map.of("type", "model", "id", id, "display_name", id, "created_at", "1970-01-01T00:00:00Z",
                "lifecycle", ModelPage.ACTIVE);
    }

    private static boolean isAnthropic(RoutingContext ctx) {
        return ctx.request().getHeader("anthropic-version") != null;
    }

    private void json(RoutingContext ctx, Object body) {
        try {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private void fail(RoutingContext ctx, Throwable failure) {
        if (failure instanceof GatewayException e) {
            errors.write(ctx.response(), e);
        } else {
            ctx.fail(failure);
        }
    }
}
