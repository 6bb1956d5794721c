package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.spi.brain.BrainContext;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.brain.TurnAnswer;
import dev.chrysalis.spi.brain.TurnRequest;

/** A brain for tests: the message {@code SKILL {json}} calls that skill with that input and answers with its summary or error. */
public final class ToolCallBrain implements Brain {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "tool-call";
    }

    @Override
    public TurnAnswer respond(TurnRequest request, BrainContext context) {
        String message = request.message().strip();
        int space = message.indexOf(' ');
        String skill = space < 0 ? message : message.substring(0, space);
        try {
            var input = JSON.readTree(space < 0 ? "{}" : message.substring(space + 1));
            return switch (context.invokeTool(skill, input)) {
                case ToolOutcome.Success s -> new TurnAnswer(s.summary());
                case ToolOutcome.Failure f -> new TurnAnswer("error: " + f.error());
            };
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON after the skill name: " + message, e);
        }
    }
}
