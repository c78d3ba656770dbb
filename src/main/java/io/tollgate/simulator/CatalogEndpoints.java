package io.tollgate.simulator;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The two read-only routes: the public model catalog (§1.1) and the registered MCP servers (§12). */
final class CatalogEndpoints {

    private CatalogEndpoints() {
    }

    /** {@code GET /available-models}: public, no key. */
    static void availableModels(Exchange exchange) {
        ArrayNode models = Json.array();
        for (SimulatedModels.Model model : SimulatedModels.ALL) {
            ObjectNode entry = Json.object();
            entry.put("model_id", model.id());
            entry.set("type", Json.array().add(model.kind().catalogType()));
            entry.set("regions", Json.array().add("us-east-1").add("eu-central-1"));
            models.add(entry);
        }
        exchange.success(models, Map.of());
    }

    /** {@code GET /v1/mcp/servers}: one registered fixture server, or none. */
    static void mcpServers(Exchange exchange) {
        Endpoint.bearerKey(exchange);
        ArrayNode servers = Json.array();
        if (exchange.options.mcpServers()) {
            servers.add(fixtureServer());
        }
        exchange.success(servers, Map.of());
    }

    private static ObjectNode fixtureServer() {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode code = Json.object();
        code.put("type", "string");
        schema.set("properties", Json.object().set("code", code));
        schema.set("required", Json.array().add("code"));
        ObjectNode annotations = Json.object();
        annotations.put("readOnlyHint", false);
        ObjectNode tool = Json.object();
        tool.put("name", "code_exec_python");
        tool.put("namespaced_name", "brave-otter/code_exec_python");
        tool.put("description", "Run Python code in an isolated dyno");
        tool.set("input_schema", schema);
        tool.set("annotations", annotations);
        ObjectNode server = Json.object();
        server.put("id", "0f6d2c1e-8a41-4c7b-9e2d-5b3a7c9d1e20");
        server.put("app_id", "a3c9e5f1-2b4d-4f60-8e7a-1c2d3e4f5a6b");
        server.put("process_type", "mcp-tools");
        server.put("process_command", "node dist/stdio.js");
        server.put("created_at", "2025-11-03T10:15:00.000Z");
        server.put("updated_at", "2025-11-03T10:15:04.000Z");
        server.put("namespace", "brave-otter");
        server.put("server_status", "registered");
        server.put("primitives_status", "synced");
        server.set("tools", Json.array().add(tool));
        return server;
    }
}
