package dev.chrysalis.host.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.chat.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param messages   the conversation in the engine's roles (tool results become user messages, consecutive
 *                   messages of one role are joined, as chat templates need alternating turns)
 * @param tools      function name to its parameters schema (JSON text), in request order
 * @param toolChoice {@code none}, {@code auto}, {@code required}, or the name of the one function to call
 */
record ChatCompletionRequest(String model, List<ChatMessage> messages, boolean stream, OptionalInt maxTokens,
                             OptionalDouble temperature, OptionalDouble topP, OptionalLong seed,
                             Map<String, String> tools, Map<String, String> toolDescriptions, String toolChoice) {

    static ChatCompletionRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw OpenAiException.invalid("", "the request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw new OpenAiException(400, "invalid_request_error", "model", "missing_required_parameter",
                    "you must provide a model parameter (a string)");
        }
        List<ChatMessage> messages = messages(body.get("messages"));
        boolean stream = bool(body, "stream");
        OptionalInt max = OptionalInt.empty();
        for (String key : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode n = body.get(key);
            if (n != null && !n.isNull()) {
                if (!n.isIntegralNumber() || n.asInt() < 1) {
                    throw OpenAiException.invalid(key, key + " must be a positive integer, was " + n);
                }
                max = OptionalInt.of(n.asInt());
                break;
            }
        }
        OptionalDouble temperature = number(body, "temperature", 0, 2);
        OptionalDouble topP = number(body, "top_p", 0, 1);
        if (topP.isPresent() && topP.getAsDouble() == 0) {
            throw OpenAiException.invalid("top_p", "top_p must be in (0, 1], was 0");
        }
        OptionalLong seed = OptionalLong.empty();
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber()) {
                throw OpenAiException.invalid("seed", "seed must be an integer, was " + s);
            }
            seed = OptionalLong.of(s.asLong());
        }
        Map<String, String> tools = new LinkedHashMap<>();
        Map<String, String> descriptions = new LinkedHashMap<>();
        JsonNode t = body.get("tools");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw OpenAiException.invalid("tools", "tools must be an array of {type:function, function:{name, parameters}}");
            }
            for (int i = 0; i < t.size(); i++) {
                JsonNode tool = t.get(i);
                String at = "tools[" + i + "]";
                if (!"function".equals(tool.path("type").asText())) {
                    throw OpenAiException.invalid(at + ".type", at + ".type must be 'function'");
                }
                String name = tool.path("function").path("name").asText("");
                if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
                    throw OpenAiException.invalid(at + ".function.name", at + ".function.name '" + name
                            + "' must be 1-64 letters, digits, '_' or '-'");
                }
                if (tools.containsKey(name)) {
                    throw OpenAiException.invalid(at + ".function.name", "function '" + name + "' is declared twice");
                }
                JsonNode params = tool.path("function").path("parameters");
                if (params.isMissingNode() || params.isNull()) {
                    params = HttpIo.JSON.createObjectNode().put("type", "object").set("properties", HttpIo.JSON.createObjectNode());
                }
                if (!params.isObject()) {
                    throw OpenAiException.invalid(at + ".function.parameters", at + ".function.parameters must be a JSON Schema object");
                }
                tools.put(name, params.toString());
                descriptions.put(name, tool.path("function").path("description").asText(""));
            }
        }
        String choice = tools.isEmpty() ? "none" : "auto";
        JsonNode c = body.get("tool_choice");
        if (c != null && !c.isNull()) {
            if (c.isTextual() && List.of("none", "auto", "required").contains(c.asText())) {
                choice = c.asText();
            } else if (c.isObject() && "function".equals(c.path("type").asText()) && c.path("function").path("name").isTextual()) {
                choice = c.path("function").path("name").asText();
                if (!tools.containsKey(choice)) {
                    throw OpenAiException.invalid("tool_choice", "tool_choice names function '" + choice + "', which is not in tools");
                }
            } else {
                throw OpenAiException.invalid("tool_choice", "tool_choice must be 'none', 'auto', 'required' or "
                        + "{type:function, function:{name}}, was " + c);
            }
            if (!choice.equals("none") && tools.isEmpty()) {
                throw OpenAiException.invalid("tool_choice", "tool_choice '" + choice + "' needs tools");
            }
        }
        return new ChatCompletionRequest(model.asText(), messages, stream, max, temperature, topP, seed, tools, descriptions, choice);
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new OpenAiException(400, "invalid_request_error", "messages", "missing_required_parameter",
                    "you must provide a messages parameter (an array)");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw OpenAiException.invalid("messages", "messages must be a non-empty array");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw OpenAiException.invalid(at, at + " must be an object with role and content");
            }
            String role = m.path("role").asText("");
            String content = content(m.get("content"), at);
            Role r;
            switch (role) {
                case "system", "developer" -> r = out.isEmpty() ? Role.SYSTEM : Role.USER;
                case "user" -> r = Role.USER;
                case "assistant" -> {
                    r = Role.ASSISTANT;
                    JsonNode calls = m.get("tool_calls");
                    if (calls != null && calls.isArray() && !calls.isEmpty()) {
                        StringBuilder sb = new StringBuilder(content);
                        for (JsonNode call : calls) {
                            sb.append(sb.isEmpty() ? "" : "\n").append("{\"name\":")
                                    .append(HttpIo.JSON.valueToTree(call.path("function").path("name").asText()).toString())
                                    .append(",\"arguments\":").append(call.path("function").path("arguments").asText("{}")).append('}');
                        }
                        content = sb.toString();
                    }
                }
                case "tool", "function" -> {
                    r = Role.USER;
                    String id = m.path("tool_call_id").asText(m.path("name").asText("tool"));
                    content = "Tool result (" + id + "): " + content;
                }
                default -> throw OpenAiException.invalid(at + ".role", at + ".role '" + role
                        + "' is not one of system, developer, user, assistant, tool");
            }
            if (!out.isEmpty() && out.getLast().role() == r) {
                out.set(out.size() - 1, new ChatMessage(r, out.getLast().content() + "\n\n" + content));
            } else {
                out.add(new ChatMessage(r, content));
            }
        }
        if (out.stream().noneMatch(m -> m.role() == Role.USER)) {
            throw OpenAiException.invalid("messages", "messages must include at least one user message");
        }
        return out;
    }

    private static String content(JsonNode c, String at) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw OpenAiException.invalid(at + ".content", at + ".content: only text parts are supported, got " + part.path("type"));
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw OpenAiException.invalid(at + ".content", at + ".content must be a string or an array of text parts");
    }

    private static boolean bool(JsonNode body, String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw OpenAiException.invalid(key, key + " must be a boolean, was " + n);
        }
        return n.asBoolean();
    }

    private static OptionalDouble number(JsonNode body, String key, double min, double max) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return OptionalDouble.empty();
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw OpenAiException.invalid(key, key + " must be a number in [" + min + ", " + max + "], was " + n);
        }
        return OptionalDouble.of(n.asDouble());
    }

    Optional<String> forcedTool() {
        return tools.containsKey(toolChoice) ? Optional.of(toolChoice) : Optional.empty();
    }
}
