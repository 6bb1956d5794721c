package dev.chrysalis.host.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.skill.calculator.CalculatorSkill;
import dev.chrysalis.skill.units.UnitsSkill;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workspace;

    /** A line-based JSON-RPC client on the other end of the server's stdio. */
    private static final class StdioClient {
        final OutputStream toServer;
        final BufferedReader fromServer;
        int nextId = 1;

        StdioClient(OutputStream toServer, BufferedReader fromServer) {
            this.toServer = toServer;
            this.fromServer = fromServer;
        }

        void notify(String method) throws Exception {
            toServer.write(("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        }

        /** Sends a request and returns its response; notifications that arrive first are added to {@code seen}. */
        JsonNode request(String method, String params, List<String> seen) throws Exception {
            int id = nextId++;
            toServer.write(("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n")
                    .getBytes(StandardCharsets.UTF_8));
            toServer.flush();
            while (true) {
                JsonNode msg = JSON.readTree(fromServer.readLine());
                if (msg.has("id") && msg.get("id").asInt() == id) {
                    return msg;
                }
                seen.add(msg.path("method").asText());
            }
        }
    }

    @Test
    void stdioClientListsAndCallsSkillsAndSeesTheSwappedVersion() throws Exception {
        SwappableSkills skills = new SwappableSkills(List.of(new CalculatorSkill(), new UnitsSkill()), workspace);
        McpServer server = new McpServer(skills, "test");
        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 16);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 16);
        Thread serving = Thread.ofVirtual().start(() -> {
            try {
                McpServers.stdio(server, serverIn, serverOut);
                serverOut.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        StdioClient client = new StdioClient(clientOut, new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8)));
        List<String> notifications = new java.util.ArrayList<>();

        JsonNode init = client.request("initialize", "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}", notifications);
        assertEquals("2025-03-26", init.get("result").get("protocolVersion").asText());
        assertTrue(init.get("result").get("capabilities").get("tools").get("listChanged").asBoolean());
        client.notify("notifications/initialized");

        JsonNode list = client.request("tools/list", "{}", notifications).get("result").get("tools");
        assertEquals(List.of("calculator", "units"), names(list));
        assertEquals("object", list.get(0).get("inputSchema").get("type").asText());

        JsonNode call = client.request("tools/call", "{\"name\":\"calculator\",\"arguments\":{\"expression\":\"2+3*4\"}}",
                notifications).get("result");
        assertFalse(call.get("isError").asBoolean(), call.toString());
        assertTrue(call.get("content").get(0).get("text").asText().contains("14"), call.toString());

        JsonNode bad = client.request("tools/call", "{\"name\":\"calculator\",\"arguments\":{\"expression\":\"2+\"}}",
                notifications).get("result");
        assertTrue(bad.get("isError").asBoolean(), "a skill failure is a tool error result: " + bad);

        skills.swap(List.of(SwappableSkills.nextVersion(new CalculatorSkill(), "calculator v2"), new UnitsSkill()));
        client.request("ping", "{}", notifications);
        JsonNode after = client.request("tools/list", "{}", notifications).get("result").get("tools");
        assertTrue(notifications.contains("notifications/tools/list_changed"), "list change announced: " + notifications);
        assertEquals("calculator v2", after.get(0).get("description").asText());
        JsonNode call2 = client.request("tools/call", "{\"name\":\"calculator\",\"arguments\":{\"expression\":\"2+3*4\"}}",
                notifications).get("result");
        assertTrue(call2.get("content").get(0).get("text").asText().startsWith("v2: "), "the new version served: " + call2);

        JsonNode unknown = client.request("tools/call", "{\"name\":\"nope\",\"arguments\":{}}", notifications);
        assertEquals(-32602, unknown.get("error").get("code").asInt());
        JsonNode missing = client.request("resources/list", "{}", notifications);
        assertEquals(-32601, missing.get("error").get("code").asInt());
        clientOut.close();
        serving.join(5000);
        assertFalse(serving.isAlive(), "the server stops when its input ends");
    }

    @Test
    void httpClientListsAndCallsSkillsAndSeesTheSwappedVersion() throws Exception {
        SwappableSkills skills = new SwappableSkills(List.of(new CalculatorSkill()), workspace);
        McpServer server = new McpServer(skills, "test");
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        McpServers.mountHttp(http, server);
        http.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/mcp");
            HttpResponse<String> init = post(client, uri, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2099-01-01\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            assertEquals(200, init.statusCode());
            assertTrue(init.headers().firstValue("Mcp-Session-Id").isPresent());
            assertEquals(McpServer.PROTOCOL_VERSIONS.getFirst(), JSON.readTree(init.body()).get("result").get("protocolVersion").asText(),
                    "an unknown version gets the server's latest");
            assertEquals(202, post(client, uri, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode());
            JsonNode list = JSON.readTree(post(client, uri, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").body());
            assertEquals(List.of("calculator"), names(list.get("result").get("tools")));
            JsonNode call = JSON.readTree(post(client, uri, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"calculator\",\"arguments\":{\"expression\":\"6*7\"}}}").body());
            assertEquals("42", call.get("result").get("structuredContent").path("value").asText(), call.toString());

            skills.swap(List.of(SwappableSkills.nextVersion(new CalculatorSkill(), "calculator v2"), new UnitsSkill()));
            JsonNode after = JSON.readTree(post(client, uri, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}").body());
            assertEquals(List.of("calculator", "units"), names(after.get("result").get("tools")));
            assertEquals("calculator v2", after.get("result").get("tools").get(0).get("description").asText());

            JsonNode parse = JSON.readTree(post(client, uri, "{oops").body());
            assertEquals(-32700, parse.get("error").get("code").asInt());
            JsonNode noArgs = JSON.readTree(post(client, uri, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"calculator\",\"arguments\":[1]}}").body());
            assertEquals(-32602, noArgs.get("error").get("code").asInt());
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode());
        } finally {
            http.stop(0);
        }
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(JsonNode tools) {
        return StreamSupport.stream(tools.spliterator(), false).map(t -> t.get("name").asText()).toList();
    }
}
