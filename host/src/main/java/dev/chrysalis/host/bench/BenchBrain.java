package dev.chrysalis.host.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.spi.brain.BrainContext;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.brain.TurnAnswer;
import dev.chrysalis.spi.brain.TurnRequest;

/** A brain for load: every message "echo N" is one call of the bench skill with {@code n = N}. */
public final class BenchBrain implements Brain {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public TurnAnswer respond(TurnRequest request, BrainContext context) {
        String message = request.message().trim();
        long n = Long.parseLong(message.substring(message.lastIndexOf(' ') + 1));
        ToolOutcome outcome = context.invokeTool(BenchSkill.NAME, JsonNodeFactory.instance.objectNode().put("n", n));
        return switch (outcome) {
            case ToolOutcome.Success s -> new TurnAnswer(s.summary());
            case ToolOutcome.Failure f -> new TurnAnswer("failed: " + f.error());
        };
    }
}
