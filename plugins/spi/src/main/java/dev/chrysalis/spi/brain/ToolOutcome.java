package dev.chrysalis.spi.brain;

import com.fasterxml.jackson.databind.JsonNode;

/** The result of one tool invocation as a brain sees it. */
public sealed interface ToolOutcome {

    String skill();

    record Success(String skill, JsonNode output, String summary) implements ToolOutcome {
    }

    record Failure(String skill, String error) implements ToolOutcome {
    }
}
