package dev.chrysalis.host.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.host.llm.LlmFixtures;
import dev.chrysalis.host.llm.LlmModel;
import dev.chrysalis.host.llm.ModelConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenAiEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":40},"
            + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\",\"unit\"]}";
    private static LlmModel model;
    private static HttpServer server;
    private static HttpClient client;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        model = LlmModel.load(ModelConfig.of(LlmFixtures.model("stories260K.gguf")).withContextLength(2048).withThreads(2)
                .withMaxAnswerTokens(24).withChatTemplate("llama2"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        OpenAiHandlers.mount(server, model, Clock.systemUTC());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        model.close();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(String extra) {
        return "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"system\",\"content\":\"You tell stories.\"},"
                + "{\"role\":\"user\",\"content\":\"Once upon a time\"}]" + extra + "}";
    }

    @Test
    void modelsListsTheLoadedModel() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("list", body.get("object").asText());
        assertEquals("stories260K", body.get("data").get(0).get("id").asText());
    }

    @Test
    void plainCompletionAnswersWithAMessageAndUsage() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat(",\"seed\":3,\"max_tokens\":16"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("chat.completion", body.get("object").asText());
        JsonNode choice = body.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertTrue(choice.get("message").get("content").isTextual());
        assertTrue(List.of("stop", "length").contains(choice.get("finish_reason").asText()));
        JsonNode usage = body.get("usage");
        assertTrue(usage.get("prompt_tokens").asInt() > 0 && usage.get("completion_tokens").asInt() > 0);
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(), usage.get("total_tokens").asInt());
    }

    @Test
    void streamingSendsChunksAndEndsWithDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat(",\"stream\":true,\"seed\":4,\"max_tokens\":16"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = r.body().lines().filter(l -> !l.isEmpty()).toList();
        assertTrue(events.stream().allMatch(l -> l.startsWith("data: ")), r.body());
        assertEquals("data: [DONE]", events.getLast());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(l -> read(l.substring(6))).toList();
        assertTrue(chunks.size() >= 3, "role chunk, content chunks and a final chunk: " + chunks.size());
        assertTrue(chunks.stream().allMatch(c -> c.get("object").asText().equals("chat.completion.chunk")));
        assertEquals("assistant", chunks.getFirst().get("choices").get(0).get("delta").get("role").asText());
        String text = chunks.stream().map(c -> c.get("choices").get(0).get("delta").path("content").asText(""))
                .collect(Collectors.joining());
        assertFalse(text.isEmpty(), "streamed some text");
        JsonNode last = chunks.getLast();
        assertTrue(List.of("stop", "length").contains(last.get("choices").get(0).get("finish_reason").asText()));
        assertTrue(last.get("usage").get("completion_tokens").asInt() > 0);
    }

    @Test
    void toolCallsAlwaysParseAndValidateAgainstTheFunctionParameters() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"weather in a city\","
                + "\"parameters\":" + WEATHER + "}}],\"tool_choice\":\"required\"";
        for (int seed = 0; seed < 4; seed++) {
            boolean stream = seed % 2 == 1;
            HttpResponse<String> r = post("/v1/chat/completions", chat(tools + ",\"seed\":" + seed + (stream ? ",\"stream\":true" : "")));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode call;
            String finish;
            if (stream) {
                List<JsonNode> chunks = r.body().lines().filter(l -> l.startsWith("data: {")).map(l -> read(l.substring(6))).toList();
                call = chunks.stream().map(c -> c.get("choices").get(0).get("delta").path("tool_calls"))
                        .filter(JsonNode::isArray).findFirst().orElseThrow().get(0);
                finish = chunks.getLast().get("choices").get(0).get("finish_reason").asText();
            } else {
                JsonNode choice = JSON.readTree(r.body()).get("choices").get(0);
                assertTrue(choice.get("message").get("content").isNull());
                call = choice.get("message").get("tool_calls").get(0);
                finish = choice.get("finish_reason").asText();
            }
            assertEquals("tool_calls", finish);
            assertEquals("function", call.get("type").asText());
            assertEquals("get_weather", call.get("function").get("name").asText());
            JsonNode args = JSON.readTree(call.get("function").get("arguments").asText());
            assertEquals(List.of(), LlmFixtures.validate(JSON.readTree(WEATHER), args), args.toString());
        }
    }

    @Test
    void malformedRequestsGetOpenAiErrorBodies() throws Exception {
        assertError(post("/v1/chat/completions", "{not json"), 400, "", "invalid_json");
        assertError(post("/v1/chat/completions", "{\"model\":\"stories260K\"}"), 400, "messages", "missing_required_parameter");
        assertError(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "model",
                "missing_required_parameter");
        assertError(post("/v1/chat/completions", "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}"),
                400, "messages[0].role", "invalid_value");
        assertError(post("/v1/chat/completions", chat(",\"temperature\":7")), 400, "temperature", "invalid_value");
        assertError(post("/v1/chat/completions", chat(",\"max_tokens\":-1")), 400, "max_tokens", "invalid_value");
        assertError(post("/v1/chat/completions", chat(",\"stream\":\"yes\"")), 400, "stream", "invalid_value");
        assertError(post("/v1/chat/completions", chat("").replace("stories260K", "gpt-4o")), 404, "model", "model_not_found");
        assertError(post("/v1/chat/completions", chat(",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":{\"type\":\"string\",\"pattern\":\"^a\"}}}]")), 400, "tools[0].function.parameters", "invalid_value");
        assertError(post("/v1/chat/completions", chat(",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}")),
                400, "tool_choice", "invalid_value");
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, "", "method_not_allowed");
    }

    private static void assertError(HttpResponse<String> r, int status, String param, String code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode err = JSON.readTree(r.body()).get("error");
        assertTrue(err.get("message").isTextual() && !err.get("message").asText().isBlank(), r.body());
        assertTrue(err.get("type").isTextual(), r.body());
        assertEquals(param.isEmpty() ? null : param, err.get("param").isNull() ? null : err.get("param").asText(), r.body());
        assertEquals(code, err.get("code").asText(), r.body());
    }

    private static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("chunk is not JSON: " + s, e);
        }
    }
}
