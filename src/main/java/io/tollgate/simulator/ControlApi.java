package io.tollgate.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerRequest;

/**
 * Steering over HTTP, for a simulator started in another process (benchmarks, kill tests). No key: the simulator
 * listens on loopback. Routes:
 * <ul>
 * <li>{@code GET /_sim/health} → {@code {"status":"UP"}}</li>
 * <li>{@code POST /_sim/faults} with one fault object or an array of them → {@code {"queued":[fault...]}}</li>
 * <li>{@code GET /_sim/faults} → the queued faults, each with its remaining {@code times}</li>
 * <li>{@code GET /_sim/requests[?path=/v1/...]} → the recorded requests, oldest first</li>
 * <li>{@code GET /_sim/counts} → {@code {"/v1/chat/completions": 3, ...}}</li>
 * <li>{@code POST /_sim/reset} → 204</li>
 * <li>{@code GET /_sim/options} → the options in force; {@code POST /_sim/options} with some of its fields overrides
 * them until the next reset and answers the result</li>
 * </ul>
 * A fault object: {@code {"kind":"STATUS","status":503,"path":"/v1/chat/completions","times":2,
 * "headers":{"Retry-After":"1"}}} or {@code {"kind":"CUT_AFTER_EVENTS","events":3}}; only {@code kind} is required.
 */
final class ControlApi {

    private final HerokuSimulator simulator;

    ControlApi(HerokuSimulator simulator) {
        this.simulator = simulator;
    }

    void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                route(request, body.toString());
            } catch (IllegalArgumentException | JsonProcessingException e) {
                ObjectNode error = Json.object();
                error.put("error", e.getMessage());
                answer(request, 400, error);
            }
        });
    }

    private void route(HttpServerRequest request, String body) throws JsonProcessingException {
        switch (request.method().name() + " " + request.path()) {
            case "GET /_sim/health" -> {
                ObjectNode health = Json.object();
                health.put("status", "UP");
                answer(request, 200, health);
            }
            case "POST /_sim/faults" -> {
                ArrayNode queued = Json.array();
                for (Fault fault : parseFaults(body)) {
                    simulator.enqueue(fault);
                    queued.add(toJson(fault));
                }
                ObjectNode answer = Json.object();
                answer.set("queued", queued);
                answer(request, 200, answer);
            }
            case "GET /_sim/faults" -> {
                ArrayNode pending = Json.array();
                simulator.pendingFaults().forEach(fault -> pending.add(toJson(fault)));
                answer(request, 200, pending);
            }
            case "GET /_sim/requests" -> {
                String path = request.getParam("path");
                ArrayNode records = Json.array();
                for (RecordedRequest record : path == null ? simulator.requests() : simulator.requests(path)) {
                    records.add(toJson(record));
                }
                answer(request, 200, records);
            }
            case "GET /_sim/counts" -> answer(request, 200, Json.MAPPER.valueToTree(simulator.counts()));
            case "POST /_sim/reset" -> {
                simulator.reset();
                request.response().setStatusCode(204).end();
            }
            case "GET /_sim/options" -> answer(request, 200, Json.MAPPER.valueToTree(simulator.options()));
            case "POST /_sim/options" -> {
                ObjectNode merged = Json.MAPPER.valueToTree(simulator.options());
                merged.setAll(object(body));
                simulator.replaceOptions(Json.MAPPER.treeToValue(merged, SimulatorOptions.class));
                answer(request, 200, Json.MAPPER.valueToTree(simulator.options()));
            }
            default -> {
                ObjectNode error = Json.object();
                error.put("error", "unknown control route " + request.method() + " " + request.path());
                answer(request, 404, error);
            }
        }
    }

    static List<Fault> parseFaults(String body) throws JsonProcessingException {
        JsonNode node = Json.MAPPER.readTree(body);
        List<Fault> faults = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (JsonNode item : node) {
                faults.add(parseFault(item));
            }
        } else {
            faults.add(parseFault(node));
        }
        return faults;
    }

    static Fault parseFault(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("kind").isTextual()) {
            throw new IllegalArgumentException("a fault needs a \"kind\"");
        }
        Fault.Kind kind;
        try {
            kind = Fault.Kind.valueOf(node.get("kind").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault kind " + node.get("kind").asText());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        int status = node.path("status").asInt(kind == Fault.Kind.HTML_403 ? 403 : 0);
        String path = node.path("path").isTextual() ? node.get("path").asText() : null;
        return new Fault(kind, path, node.path("times").asInt(1), status, node.path("events").asInt(0), headers);
    }

    static ObjectNode toJson(Fault fault) {
        ObjectNode node = Json.object();
        node.put("kind", fault.kind().name());
        node.put("path", fault.path());
        node.put("times", fault.times());
        node.put("status", fault.status());
        node.put("events", fault.events());
        node.set("headers", Json.MAPPER.valueToTree(fault.headers()));
        return node;
    }

    static ObjectNode toJson(RecordedRequest record) {
        ObjectNode node = Json.object();
        node.put("sequence", record.sequence());
        node.put("method", record.method());
        node.put("path", record.path());
        node.put("query", record.query());
        node.set("headers", Json.MAPPER.valueToTree(record.headers()));
        node.put("body", record.body());
        node.put("time", record.time().toString());
        node.put("outcome", record.outcome().name());
        node.put("status", record.status());
        node.put("fault", record.fault() == null ? null : record.fault().name());
        return node;
    }

    private static ObjectNode object(String body) throws JsonProcessingException {
        JsonNode node = Json.MAPPER.readTree(body);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (ObjectNode) node;
    }

    private static void answer(HttpServerRequest request, int status, JsonNode body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(Json.write(body));
    }
}
