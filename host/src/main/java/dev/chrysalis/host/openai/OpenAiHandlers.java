package dev.chrysalis.host.openai;

import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.host.llm.LlmModel;
import java.time.Clock;

/**
 * Mounts the OpenAI-compatible routes on a JDK {@link HttpServer}: {@code POST /v1/chat/completions}
 * (plain JSON or SSE streaming, with tool calling) and {@code GET /v1/models}. Errors use OpenAI's body
 * {@code {"error":{"message","type","param","code"}}}.
 */
public final class OpenAiHandlers {
    private OpenAiHandlers() {
    }

    public static void mount(HttpServer server, LlmModel model, Clock clock) {
        server.createContext("/v1/chat/completions", new ChatCompletionsHandler(model, clock));
        server.createContext("/v1/models", new ModelsHandler(model, clock));
    }
}
