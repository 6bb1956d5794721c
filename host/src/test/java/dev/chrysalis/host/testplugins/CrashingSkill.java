package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillResult;

/** Throws a RuntimeException (a bug), which must become a recorded failure, never a crash. */
public final class CrashingSkill implements Skill {
    @Override
    public String name() {
        return "crash";
    }

    @Override
    public String description() {
        return "Always throws.";
    }

    @Override
    public JsonNode inputSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) {
        throw new IllegalStateException("crash skill exploded on " + input);
    }
}
