package dev.chrysalis.sandbox.harness.dice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillResult;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** A new skill whose answer depends on chance and time: rolls dice with the context's random source, stamps its clock. */
@Component(service = Skill.class)
public final class DiceSkill implements Skill {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "dice";
    }

    @Override
    public String description() {
        return "Rolls dice.";
    }

    @Override
    public JsonNode inputSchema() {
        var schema = JSON.createObjectNode().put("type", "object");
        schema.putObject("properties").putObject("count").put("type", "integer");
        schema.putArray("required").add("count");
        return schema;
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(new RoutePattern("roll (?<count>\\d+) dice", java.util.Map.of(), 50));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) {
        var rolls = JSON.createArrayNode();
        for (int i = 0; i < input.path("count").asInt(); i++) {
            rolls.add(context.random().nextInt(1, 7));
        }
        var out = JSON.createObjectNode().put("at", context.clock().instant().toString());
        out.set("rolls", rolls);
        return new SkillResult(out, "rolled " + rolls);
    }
}
