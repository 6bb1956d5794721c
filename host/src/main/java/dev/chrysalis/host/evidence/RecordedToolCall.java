package dev.chrysalis.host.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.hook.ToolCall;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A stored tool call: its place in the turn and exactly what went in and came out. */
public record RecordedToolCall(long turnId, int ordinal, String skill, JsonNode input, Optional<JsonNode> output,
                               Optional<String> summary, Optional<String> error, Duration duration) {
    public RecordedToolCall {
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

    /** The SPI form hooks and brains use. */
    public ToolCall toToolCall() {
        return new ToolCall(skill, input, output, summary, error, duration);
    }
}
