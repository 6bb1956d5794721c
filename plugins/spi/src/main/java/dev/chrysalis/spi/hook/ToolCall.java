package dev.chrysalis.spi.hook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One skill invocation inside a turn, exactly as it happened.
 *
 * @param output present when the skill returned
 * @param error  present when it failed (message for the user)
 */
public record ToolCall(String skill, JsonNode input, Optional<JsonNode> output, Optional<String> summary,
                       Optional<String> error, Duration duration) {
    public ToolCall {
        Objects.requireNonNull(skill, "skill");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(duration, "duration");
    }

    public boolean failed() {
        return error.isPresent();
    }

    public ToolCall withInput(JsonNode newInput) {
        return new ToolCall(skill, newInput, output, summary, error, duration);
    }

    public ToolCall withOutput(Optional<JsonNode> newOutput, Optional<String> newSummary, Optional<String> newError) {
        return new ToolCall(skill, input, newOutput, newSummary, newError, duration);
    }
}
