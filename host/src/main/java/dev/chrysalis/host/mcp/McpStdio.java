package dev.chrysalis.host.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** MCP over stdio: one JSON-RPC message per line in, one per line out (responses and notifications). */
public final class McpStdio {
    private final McpServer server;
    private final InputStream in;
    private final OutputStream out;

    public McpStdio(McpServer server, InputStream in, OutputStream out) {
        this.server = server;
        this.in = in;
        this.out = out;
    }

    /** Serves until the input ends. Blank lines are skipped; a malformed line gets a JSON-RPC parse error. */
    public void serve() throws IOException {
        Consumer<JsonNode> notify = this::write;
        server.addNotificationListener(notify);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                server.handle(line).ifPresent(this::write);
                server.checkToolsChanged();
            }
        } finally {
            server.removeNotificationListener(notify);
        }
    }

    private synchronized void write(JsonNode message) {
        try {
            out.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
