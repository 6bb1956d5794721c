package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillResult;

/** Waits {@code ms} milliseconds and ignores interrupts: a call that outlives being abandoned. */
public final class StubbornSkill implements Skill {
    @Override
    public String name() {
        return "stubborn";
    }

    @Override
    public String description() {
        return "Waits for the given milliseconds, ignoring interrupts.";
    }

    @Override
    public JsonNode inputSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) {
        long end = System.nanoTime() + input.path("ms").asLong() * 1_000_000L;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException ignored) {
                // stubborn: keeps waiting
            }
        }
        return new SkillResult(JsonNodeFactory.instance.objectNode().put("waited", input.path("ms").asLong()), "waited");
    }
}
