package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;

/** "echo N" -> bench-echo, "sleep N" -> sleepy, "crash" -> crash, "ghost" -> a skill that does not exist. */
public final class TestRouter implements Router {
    @Override
    public String name() {
        return "test-router";
    }

    @Override
    public RouteDecision route(String message, List<SkillDescriptor> catalogue) {
        String[] words = message.trim().split("\\s+");
        var json = JsonNodeFactory.instance;
        return switch (words[0]) {
            case "echo" -> new RouteDecision.Routed("bench-echo", json.objectNode().put("n", Long.parseLong(words[1])), 1.0, "echo pattern");
            case "sleep" -> new RouteDecision.Routed("sleepy", json.objectNode().put("ms", Long.parseLong(words[1])), 1.0, "sleep pattern");
            case "stubborn" -> new RouteDecision.Routed("stubborn", json.objectNode().put("ms", Long.parseLong(words[1])), 1.0, "stubborn pattern");
            case "crash" -> new RouteDecision.Routed("crash", json.objectNode(), 1.0, "crash pattern");
            case "ghost" -> new RouteDecision.Routed("ghost", json.objectNode(), 1.0, "ghost pattern");
            default -> new RouteDecision.Unrouted("no test pattern matches '" + words[0] + "'");
        };
    }
}
