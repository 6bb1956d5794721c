package dev.chrysalis.host.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * MCP over HTTP (the streamable HTTP transport without a server-to-client stream): POST one JSON-RPC message,
 * get its response as {@code application/json} (202 with no body for a notification). GET is answered 405, which
 * clients read as "no SSE stream offered"; list changes show on the next {@code tools/list}.
 */
public final class McpHttpHandler implements HttpHandler {
    private static final int MAX_BODY = 4 << 20;
    private final McpServer server;

    public McpHttpHandler(McpServer server) {
        this.server = server;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            switch (ex.getRequestMethod()) {
                case "POST" -> post(ex);
                case "DELETE" -> send(ex, 204, null);
                default -> {
                    ex.getResponseHeaders().set("Allow", "POST, DELETE");
                    send(ex, 405, error(ex.getRequestMethod() + " is not supported on the MCP endpoint: POST JSON-RPC messages"));
                }
            }
        }
    }

    private void post(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            send(ex, 413, error("message exceeds " + MAX_BODY + " bytes"));
            return;
        }
        Optional<JsonNode> response = server.handle(new String(body, StandardCharsets.UTF_8));
        if (response.isEmpty()) {
            send(ex, 202, null);
            return;
        }
        if (response.get().path("result").has("protocolVersion")) {
            ex.getResponseHeaders().set("Mcp-Session-Id", UUID.randomUUID().toString());
        }
        send(ex, 200, response.get());
    }

    private static ObjectNode error(String message) {
        ObjectNode r = McpServer.JSON.createObjectNode().put("jsonrpc", "2.0");
        r.putNull("id");
        r.putObject("error").put("code", -32600).put("message", message);
        return r;
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
