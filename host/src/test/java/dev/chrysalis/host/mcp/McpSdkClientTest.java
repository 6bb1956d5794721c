package dev.chrysalis.host.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.skill.calculator.CalculatorSkill;
import dev.chrysalis.skill.units.UnitsSkill;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official MCP Java SDK's client against the host's MCP endpoint over HTTP. */
class McpSdkClientTest {

    @TempDir
    Path workspace;

    @Test
    void theSdkClientListsAndCallsASkillAndSeesItsNewVersionAfterASwap() throws Exception {
        SwappableSkills skills = new SwappableSkills(List.of(new CalculatorSkill()), workspace);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        McpServers.mountHttp(http, new McpServer(skills, "test"));
        http.start();
        var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + http.getAddress().getPort())
                .endpoint("/mcp").build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals("chrysalis", init.serverInfo().name());
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertEquals(List.of("calculator"), tools.stream().map(McpSchema.Tool::name).toList());
            assertEquals("object", tools.getFirst().inputSchema().type());
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("calculator", Map.of("expression", "2+3*4")));
            assertFalse(Boolean.TRUE.equals(r.isError()), r.toString());
            assertTrue(((McpSchema.TextContent) r.content().getFirst()).text().contains("14"), r.toString());

            skills.swap(List.of(SwappableSkills.nextVersion(new CalculatorSkill(), "calculator v2"), new UnitsSkill()));
            List<McpSchema.Tool> after = client.listTools().tools();
            assertEquals(List.of("calculator", "units"), after.stream().map(McpSchema.Tool::name).toList());
            assertEquals("calculator v2", after.getFirst().description());
            McpSchema.CallToolResult r2 = client.callTool(new McpSchema.CallToolRequest("calculator", Map.of("expression", "6*7")));
            assertTrue(((McpSchema.TextContent) r2.content().getFirst()).text().startsWith("v2: "), r2.toString());
        } finally {
            client.closeGracefully();
            http.stop(0);
        }
    }
}
