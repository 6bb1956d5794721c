package dev.chrysalis.host.mcp;

import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.host.runtime.PluginServices;
import dev.chrysalis.spi.skill.SkillLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;

/** Entry points for the host: the MCP server over the live plugins, on stdio or mounted on an HttpServer. */
public final class McpServers {
    private McpServers() {
    }

    /** An MCP server whose tools are the live skills of {@code plugins}. */
    public static McpServer over(PluginServices plugins, Path workspace, SkillLimits limits, Clock clock, long seed) {
        return new McpServer(new PluginTools(plugins, workspace, limits, clock, new SplittableRandom(seed)), "0.1.0");
    }

    /** Serves MCP on the given streams (e.g. System.in/System.out) until the input ends. */
    public static void stdio(McpServer server, InputStream in, OutputStream out) throws IOException {
        new McpStdio(server, in, out).serve();
    }

    /** Mounts the MCP endpoint at {@code /mcp}. */
    public static void mountHttp(HttpServer http, McpServer server) {
        http.createContext("/mcp", new McpHttpHandler(server));
    }
}
