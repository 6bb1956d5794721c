package dev.chrysalis.host.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** JSON responses and OpenAI-style error bodies on a JDK {@link HttpExchange}. */
final class HttpIo {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BODY = 8 << 20;

    private HttpIo() {
    }

    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static ObjectNode errorBody(OpenAiException e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.param().isEmpty()) {
            err.putNull("param");
        } else {
            err.put("param", e.param());
        }
        err.put("code", e.code());
        return root;
    }

    static void sendError(HttpExchange ex, OpenAiException e) throws IOException {
        sendJson(ex, e.status(), errorBody(e));
    }

    /** The request body as JSON, refusing bodies that are too large, empty or not JSON. */
    static JsonNode readJson(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new OpenAiException(413, "invalid_request_error", "", "request_too_large",
                    "the request body exceeds " + MAX_BODY + " bytes");
        }
        if (body.length == 0) {
            throw OpenAiException.invalid("", "the request body is empty: send a JSON object");
        }
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OpenAiException(400, "invalid_request_error", "", "invalid_json",
                    "the request body is not valid JSON: " + e.getMessage());
        }
    }
}
