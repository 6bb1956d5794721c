package dev.chrysalis.host.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The Model Context Protocol server, transport-free: JSON-RPC 2.0 messages in, responses out. Implements the
 * subset tool servers need: {@code initialize}, {@code notifications/initialized}, {@code ping}, {@code tools/list}
 * and {@code tools/call}, and sends {@code notifications/tools/list_changed} to connected clients when the skill
 * catalogue changes ({@link #checkToolsChanged()}; the catalogue itself is read on every request, so a hot-swapped
 * skill is listed and called in its new version without a restart).
 *
 * <p>Written here rather than on io.modelcontextprotocol.sdk: the SDK's HTTP transports need a servlet container,
 * while the host serves on the JDK HttpServer.
 */
public final class McpServer {

    public static final List<String> PROTOCOL_VERSIONS = List.of("2025-06-18", "2025-03-26", "2024-11-05");
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARSE_ERROR = -32700;
    private static final int INVALID_REQUEST = -32600;
    private static final int METHOD_NOT_FOUND = -32601;
    private static final int INVALID_PARAMS = -32602;

    private final McpTools tools;
    private final String version;
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private volatile String lastListed = "";

    public McpServer(McpTools tools, String version) {
        this.tools = Objects.requireNonNull(tools, "tools");
        this.version = Objects.requireNonNull(version, "version");
    }

    /** Registers a sink for server-initiated notifications (a stdio writer, an SSE stream). */
    public void addNotificationListener(Consumer<JsonNode> listener) {
        listeners.add(listener);
    }

    public void removeNotificationListener(Consumer<JsonNode> listener) {
        listeners.remove(listener);
    }

    /**
     * Sends {@code notifications/tools/list_changed} if the catalogue (names, descriptions, schemas) differs from
     * the one last listed. Call it on plugin events (install, swap, rollback, removal).
     */
    public boolean checkToolsChanged() {
        String now = signature(tools.catalogue());
        if (lastListed.isEmpty() || now.equals(lastListed)) {
            return false;
        }
        lastListed = now;
        ObjectNode n = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/tools/list_changed");
        listeners.forEach(l -> l.accept(n));
        return true;
    }

    /** Handles one message given as text; a response for requests (and for unparseable text), empty for notifications. */
    public Optional<JsonNode> handle(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (java.io.IOException e) {
            return Optional.of(error(JSON.nullNode(), PARSE_ERROR, "message is not JSON: " + e.getMessage()));
        }
        if (message == null) {
            return Optional.of(error(JSON.nullNode(), INVALID_REQUEST, "empty message"));
        }
        return handle(message);
    }

    /** Handles one JSON-RPC message; a response for requests, empty for notifications and responses. */
    public Optional<JsonNode> handle(JsonNode message) {
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asText())) {
            return Optional.of(error(message.path("id"), INVALID_REQUEST, "not a JSON-RPC 2.0 message (jsonrpc must be \"2.0\")"));
        }
        JsonNode id = message.get("id");
        String method = message.path("method").asText("");
        if (method.isEmpty()) {
            return Optional.empty(); // a response to something we sent (we send no requests): ignore
        }
        if (id == null || id.isNull()) {
            return Optional.empty(); // notifications: initialized, cancelled, ... need no answer
        }
        JsonNode params = message.path("params");
        try {
            JsonNode result = switch (method) {
                case "initialize" -> initialize(params);
                case "ping" -> JSON.createObjectNode();
                case "tools/list" -> list();
                case "tools/call" -> call(params);
                default -> throw new RpcException(METHOD_NOT_FOUND, "method '" + method + "' is not supported "
                        + "(initialize, ping, tools/list, tools/call)");
            };
            return Optional.of(JSON.createObjectNode().put("jsonrpc", "2.0").<ObjectNode>set("id", id).set("result", result));
        } catch (RpcException e) {
            return Optional.of(error(id, e.code, e.getMessage()));
        }
    }

    private JsonNode initialize(JsonNode params) {
        String asked = params.path("protocolVersion").asText("");
        String agreed = PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSIONS.getFirst();
        ObjectNode r = JSON.createObjectNode().put("protocolVersion", agreed);
        r.putObject("capabilities").putObject("tools").put("listChanged", true);
        r.putObject("serverInfo").put("name", "chrysalis").put("version", version);
        r.put("instructions", "Chrysalis skills as tools; the list follows hot swaps.");
        return r;
    }

    private JsonNode list() {
        List<SkillDescriptor> catalogue = tools.catalogue();
        lastListed = signature(catalogue);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode arr = r.putArray("tools");
        for (SkillDescriptor s : catalogue) {
            ObjectNode t = arr.addObject().put("name", s.name()).put("description", s.description());
            JsonNode schema = s.inputSchema();
            t.set("inputSchema", schema.isObject() ? schema : JSON.createObjectNode().put("type", "object"));
        }
        return r;
    }

    private JsonNode call(JsonNode params) {
        String name = params.path("name").asText("");
        if (name.isEmpty()) {
            throw new RpcException(INVALID_PARAMS, "tools/call needs params.name (the tool to call)");
        }
        JsonNode args = params.path("arguments");
        if (args.isMissingNode() || args.isNull()) {
            args = JSON.createObjectNode();
        }
        if (!args.isObject()) {
            throw new RpcException(INVALID_PARAMS, "tools/call " + name + ": params.arguments must be an object");
        }
        Optional<ToolOutcome> outcome = tools.call(name, args);
        if (outcome.isEmpty()) {
            throw new RpcException(INVALID_PARAMS, "unknown tool '" + name + "' (installed: "
                    + String.join(", ", tools.catalogue().stream().map(SkillDescriptor::name).toList()) + ")");
        }
        ObjectNode r = JSON.createObjectNode();
        switch (outcome.get()) {
            case ToolOutcome.Success s -> {
                r.putArray("content").addObject().put("type", "text").put("text", s.summary());
                if (s.output().isObject()) {
                    r.set("structuredContent", s.output());
                } else {
                    r.putObject("structuredContent").set("value", s.output());
                }
                r.put("isError", false);
            }
            case ToolOutcome.Failure f -> {
                r.putArray("content").addObject().put("type", "text").put("text", f.error());
                r.put("isError", true);
            }
        }
        return r;
    }

    private static String signature(List<SkillDescriptor> catalogue) {
        StringBuilder sb = new StringBuilder();
        catalogue.stream().sorted(java.util.Comparator.comparing(SkillDescriptor::name)).forEach(s ->
                sb.append(s.name()).append('\u0000').append(s.description()).append('\u0000').append(s.inputSchema()).append('\n'));
        return sb.isEmpty() ? "(none)" : sb.toString();
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = JSON.createObjectNode().put("jsonrpc", "2.0");
        r.set("id", id == null || id.isMissingNode() ? JSON.nullNode() : id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private static final class RpcException extends RuntimeException {
        final int code;

        RpcException(int code, String message) {
            super(message);
            this.code = code;
        }
    }
}
