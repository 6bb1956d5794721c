package dev.chrysalis.spi.hook;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A turn as hooks see it. Before the turn only {@code userMessage} is meaningful; after it, the tool
 * calls and the answer are filled in. Immutable: hooks return changed copies via the {@code with} methods.
 *
 * @param attributes free-form notes hooks and the brain add (e.g. {@code route.reason}, {@code redactions})
 */
public record TurnData(String sessionId, int turnIndex, String userMessage, List<ToolCall> toolCalls,
                       String answer, Map<String, String> attributes) {
    public TurnData {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(answer, "answer");
        toolCalls = List.copyOf(toolCalls);
        attributes = Map.copyOf(attributes);
    }

    public static TurnData incoming(String sessionId, int turnIndex, String userMessage) {
        return new TurnData(sessionId, turnIndex, userMessage, List.of(), "", Map.of());
    }

    public TurnData withUserMessage(String message) {
        return new TurnData(sessionId, turnIndex, message, toolCalls, answer, attributes);
    }

    public TurnData withToolCalls(List<ToolCall> calls) {
        return new TurnData(sessionId, turnIndex, userMessage, calls, answer, attributes);
    }

    public TurnData withAnswer(String newAnswer) {
        return new TurnData(sessionId, turnIndex, userMessage, toolCalls, newAnswer, attributes);
    }

    public TurnData withAttribute(String key, String value) {
        var copy = new java.util.HashMap<>(attributes);
        copy.put(key, value);
        return new TurnData(sessionId, turnIndex, userMessage, toolCalls, answer, copy);
    }
}
