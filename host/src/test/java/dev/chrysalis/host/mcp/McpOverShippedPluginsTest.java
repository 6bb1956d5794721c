package dev.chrysalis.host.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.runtime.RuntimeConfig;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP server over the real plugin runtime: the shipped skill bundles in Felix, called through leases. */
class McpOverShippedPluginsTest {

    @TempDir
    Path temp;

    @Test
    void theLiveShippedSkillsAreListedAndCallableAsMcpTools() {
        Path data = temp.resolve("data");
        try (Host host = Host.start(HostConfig.of(data, RuntimeConfig.defaultBundlesDir()))) {
            McpServer server = McpServers.over(host.runtime(), data.resolve("workspace"), SkillLimits.DEFAULT, Clock.systemUTC(), 1);
            JsonNode list = server.handle("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").orElseThrow();
            List<String> names = new ArrayList<>();
            list.get("result").get("tools").forEach(t -> names.add(t.get("name").asText()));
            assertTrue(names.containsAll(List.of("calculator", "units", "datetime", "text", "json", "csv", "files")), names.toString());
            JsonNode call = server.handle("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"units\","
                    + "\"arguments\":{\"value\":5,\"from\":\"km\",\"to\":\"m\"}}}").orElseThrow();
            assertFalse(call.get("result").get("isError").asBoolean(), call.toString());
            assertTrue(call.get("result").get("content").get(0).get("text").asText().contains("5000"), call.toString());
            JsonNode failed = server.handle("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"calculator\","
                    + "\"arguments\":{\"expression\":\"1/\"}}}").orElseThrow();
            assertTrue(failed.get("result").get("isError").asBoolean(), "a skill's refusal is a tool error: " + failed);
            assertEquals(-32602, server.handle("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"ghost\"}}")
                    .orElseThrow().get("error").get("code").asInt());
        }
    }
}
