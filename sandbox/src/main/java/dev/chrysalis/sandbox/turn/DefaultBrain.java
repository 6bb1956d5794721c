package dev.chrysalis.sandbox.turn;

import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.spi.brain.BrainContext;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.brain.TurnAnswer;
import dev.chrysalis.spi.brain.TurnRequest;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The brain that needs no model: asks the current router; a routed message invokes that one skill and
 * answers with its summary; an unrouted one gets an honest answer saying why and what the skills can do.
 */
public final class DefaultBrain implements Brain {

    @Override
    public String name() {
        return "default";
    }

    @Override
    public TurnAnswer respond(TurnRequest request, BrainContext context) {
        List<SkillDescriptor> catalogue = context.catalogue();
        var router = context.router();
        RouteDecision decision = router.route(request.message(), catalogue);
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("router", router.name());
        return switch (decision) {
            case RouteDecision.Routed routed -> {
                notes.put("route.skill", routed.skill());
                notes.put("route.reason", routed.reason());
                notes.put("route.confidence", String.format(Locale.ROOT, "%.3f", routed.confidence()));
                ToolOutcome outcome = context.invokeTool(routed.skill(), routed.arguments());
                yield switch (outcome) {
                    case ToolOutcome.Success success -> new TurnAnswer(success.summary(), notes);
                    case ToolOutcome.Failure failure -> new TurnAnswer("The " + failure.skill()
                            + " skill could not answer that: " + failure.error(), notes);
                };
            }
            case RouteDecision.Unrouted unrouted -> {
                notes.put("route.skill", "");
                notes.put("route.reason", unrouted.reason());
                yield new TurnAnswer(unroutedAnswer(unrouted.reason(), catalogue), notes);
            }
        };
    }

    private static String unroutedAnswer(String reason, List<SkillDescriptor> catalogue) {
        if (catalogue.isEmpty()) {
            return "I cannot answer that: no skills are installed (" + reason + ").";
        }
        StringBuilder answer = new StringBuilder("I could not match that to one of my skills (").append(reason)
                .append("). I can help with:");
        for (SkillDescriptor skill : catalogue) {
            answer.append("\n- ").append(skill.name()).append(": ").append(skill.description());
            if (!skill.examples().isEmpty()) {
                answer.append(" (e.g. \"").append(skill.examples().getFirst().utterance()).append("\")");
            }
        }
        return answer.toString();
    }
}
