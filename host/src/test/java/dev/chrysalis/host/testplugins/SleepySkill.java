package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillResult;

/** Sleeps {@code ms} milliseconds, to exceed the time limit. */
public final class SleepySkill implements Skill {
    @Override
    public String name() {
        return "sleepy";
    }

    @Override
    public String description() {
        return "Sleeps for the given milliseconds.";
    }

    @Override
    public JsonNode inputSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        long ms = input.path("ms").asLong();
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkillException("interrupted after being abandoned");
        }
        return new SkillResult(JsonNodeFactory.instance.objectNode().put("slept", ms), "slept " + ms + " ms");
    }
}
