package dev.chrysalis.host.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.chrysalis.host.llm.ContextOverflowException;
import dev.chrysalis.host.llm.LlmModel;
import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.chat.Role;
import dev.chrysalis.inference.constrain.JsonSchema;
import dev.chrysalis.inference.constrain.SchemaException;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.StopReason;
import dev.chrysalis.inference.sampling.SamplingOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code POST /v1/chat/completions}: OpenAI's chat completion on the in-process engine, as one JSON body or as
 * server-sent events ({@code data: <chunk>} per piece of text, ending with {@code data: [DONE]}). With
 * {@code tools}, the model's first reply is decoded under the JSON Schema of a call to one of them (or, for
 * {@code tool_choice: auto}, of "no call"), so every returned {@code tool_calls[].function.arguments} parses and
 * validates against that function's parameters. Requests share one engine session, so a repeated system prompt
 * and conversation prefix are not recomputed.
 */
final class ChatCompletionsHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(ChatCompletionsHandler.class.getName());
    private static final String NONE = "none";

    private final LlmModel model;
    private final Clock clock;
    private final Session session;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();

    ChatCompletionsHandler(LlmModel model, Clock clock) {
        this.model = model;
        this.clock = clock;
        this.session = model.newSession();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                if (!ex.getRequestMethod().equals("POST")) {
                    ex.getResponseHeaders().set("Allow", "POST");
                    throw new OpenAiException(405, "invalid_request_error", "", "method_not_allowed",
                            ex.getRequestMethod() + " is not allowed on /v1/chat/completions: use POST");
                }
                ChatCompletionRequest req = ChatCompletionRequest.parse(HttpIo.readJson(ex));
                if (!req.model().equals(model.id())) {
                    throw new OpenAiException(404, "invalid_request_error", "model", "model_not_found",
                            "the model '" + req.model() + "' does not exist; this server serves '" + model.id() + "'");
                }
                Map<String, JsonSchema> checked = checkTools(req);
                complete(ex, req, checked);
            } catch (OpenAiException e) {
                HttpIo.sendError(ex, e);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "chat completion failed", e);
                HttpIo.sendError(ex, new OpenAiException(500, "server_error", "", "internal_error",
                        "the completion failed: " + e));
            }
        }
    }

    private static Map<String, JsonSchema> checkTools(ChatCompletionRequest req) {
        Map<String, JsonSchema> out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, String> t : req.tools().entrySet()) {
            try {
                out.put(t.getKey(), JsonSchema.compile(t.getValue()));
            } catch (SchemaException e) {
                throw OpenAiException.invalid("tools[" + i + "].function.parameters", "function '" + t.getKey()
                        + "' parameters cannot be used for constrained decoding: " + e.getMessage());
            }
            i++;
        }
        return out;
    }

    private void complete(HttpExchange ex, ChatCompletionRequest req, Map<String, JsonSchema> tools) throws IOException {
        SamplingOptions base = model.config().sampling();
        SamplingOptions sampling = base;
        if (req.temperature().isPresent()) {
            sampling = sampling.withTemperature((float) req.temperature().getAsDouble());
        }
        if (req.topP().isPresent()) {
            sampling = sampling.withTopP((float) req.topP().getAsDouble());
        }
        long seed = req.seed().orElse(model.config().seed() + ids.get());
        int max = req.maxTokens().orElse(model.config().maxAnswerTokens());
        String id = "chatcmpl-" + Long.toHexString(clock.millis()) + "-" + ids.incrementAndGet();
        long created = clock.instant().getEpochSecond();
        Sse sse = req.stream() ? new Sse(ex, id, created, model.id()) : null;
        lock.lock();
        try {
            List<ChatMessage> messages = req.messages();
            if (!req.toolChoice().equals(NONE)) {
                List<ChatMessage> withTools = withToolPrompt(messages, req);
                Map<String, String> choices = new LinkedHashMap<>();
                req.forcedTool().ifPresentOrElse(name -> choices.put(name, req.tools().get(name)), () -> choices.putAll(req.tools()));
                if (req.toolChoice().equals("auto")) {
                    choices.put(NONE, "{\"type\":\"object\",\"properties\":{}}");
                }
                LlmModel.Completion call = model.json(session, withTools, JsonSchema.toolCall(choices, "name", "arguments"),
                        Math.max(max, model.config().maxToolTokens()), sampling, seed);
                boolean closed = call.stopReason() == StopReason.CONSTRAINT_COMPLETE || call.stopReason() == StopReason.STOP_TOKEN;
                if (!closed) {
                    throw new OpenAiException(500, "server_error", "", "tool_call_incomplete", "the model's tool call did not "
                            + "close within " + call.generatedTokens() + " tokens (" + call.stopReason() + "); raise max_tokens");
                }
                JsonNode doc = HttpIo.JSON.readTree(call.text());
                String name = doc.path("name").asText();
                if (!name.equals(NONE)) {
                    respondToolCall(ex, sse, id, created, name, doc.get("arguments"), call);
                    return;
                }
                messages = withTools;
            }
            if (sse != null) {
                sse.start();
                LlmModel.Completion c = model.chat(session, messages, max, sampling, seed + 1, sse::content);
                sse.finish(finishReason(c.stopReason()), usage(c));
            } else {
                LlmModel.Completion c = model.chat(session, messages, max, sampling, seed + 1, s -> { });
                ObjectNode message = HttpIo.JSON.createObjectNode().put("role", "assistant").put("content", c.text());
                HttpIo.sendJson(ex, 200, completion(id, created, message, finishReason(c.stopReason()), usage(c)));
            }
        } catch (ContextOverflowException e) {
            throw new OpenAiException(400, "invalid_request_error", "messages", "context_length_exceeded", e.getMessage());
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client went away during streaming: {0}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void respondToolCall(HttpExchange ex, Sse sse, String id, long created, String name, JsonNode arguments,
                                 LlmModel.Completion call) throws IOException {
        ObjectNode toolCall = HttpIo.JSON.createObjectNode();
        toolCall.put("id", "call_" + id.substring(id.lastIndexOf('-') + 1) + "_" + name);
        toolCall.put("type", "function");
        toolCall.putObject("function").put("name", name).put("arguments", arguments.toString());
        if (sse != null) {
            sse.start();
            ObjectNode delta = HttpIo.JSON.createObjectNode();
            ObjectNode streamed = toolCall.deepCopy().put("index", 0);
            delta.putArray("tool_calls").add(streamed);
            sse.delta(delta, null);
            sse.finish("tool_calls", usage(call));
            return;
        }
        ObjectNode message = HttpIo.JSON.createObjectNode().put("role", "assistant");
        message.putNull("content");
        message.putArray("tool_calls").add(toolCall);
        HttpIo.sendJson(ex, 200, completion(id, created, message, "tool_calls", usage(call)));
    }

    /** The conversation with the functions listed in the system message (added or extended). */
    private static List<ChatMessage> withToolPrompt(List<ChatMessage> messages, ChatCompletionRequest req) {
        StringBuilder sb = new StringBuilder("Functions you can call:\n");
        req.tools().forEach((name, params) -> sb.append("- ").append(name).append(": ")
                .append(req.toolDescriptions().getOrDefault(name, "")).append(" parameters: ").append(params).append('\n'));
        sb.append("Reply with one JSON object {\"name\":\"<function>\",\"arguments\":{...}}")
                .append(req.toolChoice().equals("auto") ? ", or {\"name\":\"none\",\"arguments\":{}} to answer in text." : ".");
        List<ChatMessage> out = new ArrayList<>(messages);
        if (out.getFirst().role() == Role.SYSTEM) {
            out.set(0, ChatMessage.system(out.getFirst().content() + "\n\n" + sb));
        } else {
            out.addFirst(ChatMessage.system(sb.toString()));
        }
        return out;
    }

    private static String finishReason(StopReason r) {
        return switch (r) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            default -> "stop";
        };
    }

    private static ObjectNode usage(LlmModel.Completion c) {
        ObjectNode u = HttpIo.JSON.createObjectNode();
        u.put("prompt_tokens", c.promptTokens());
        u.put("completion_tokens", c.generatedTokens());
        u.put("total_tokens", c.promptTokens() + c.generatedTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", c.reusedTokens());
        return u;
    }

    private ObjectNode completion(String id, long created, ObjectNode message, String finish, ObjectNode usage) {
        ObjectNode root = HttpIo.JSON.createObjectNode();
        root.put("id", id).put("object", "chat.completion").put("created", created).put("model", model.id());
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        root.set("usage", usage);
        return root;
    }

    /** One streamed response: {@code data: <chunk>} events and the closing {@code data: [DONE]}. */
    private static final class Sse {
        private final HttpExchange ex;
        private final String id;
        private final long created;
        private final String model;
        private OutputStream out;

        Sse(HttpExchange ex, String id, long created, String model) {
            this.ex = ex;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        void start() throws IOException {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
            delta(HttpIo.JSON.createObjectNode().put("role", "assistant").put("content", ""), null);
        }

        void content(String piece) {
            delta(HttpIo.JSON.createObjectNode().put("content", piece), null);
        }

        void delta(ObjectNode delta, String finish) {
            ObjectNode chunk = HttpIo.JSON.createObjectNode();
            chunk.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            event(chunk.toString());
        }

        void finish(String reason, ObjectNode usage) {
            ObjectNode chunk = HttpIo.JSON.createObjectNode();
            chunk.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta");
            choice.put("finish_reason", reason);
            chunk.set("usage", usage);
            event(chunk.toString());
            event("[DONE]");
        }

        private void event(String data) {
            try {
                out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
