package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uses what a bundle must declare: {@code {"port": N}} connects to 127.0.0.1:N and returns the first line
 * the server sends (needs {@code net}); {@code {"file": PATH}} returns the file's first line (needs {@code fs.read}
 * and a path in the workspace).
 */
public final class NetProbeSkill implements Skill {
    public static final String NAME = "net-probe";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Reads one line from a local port or a file (capability guard tests).";
    }

    @Override
    public JsonNode inputSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        try {
            if (input.has("file")) {
                String line = Files.readAllLines(Path.of(input.path("file").asText())).getFirst();
                return new SkillResult(JsonNodeFactory.instance.objectNode().put("line", line), line);
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), input.path("port").asInt());
                 BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line = in.readLine();
                return new SkillResult(JsonNodeFactory.instance.objectNode().put("line", line), line);
            }
        } catch (IOException e) {
            throw new SkillException("probe failed: " + e.getMessage());
        }
    }
}
