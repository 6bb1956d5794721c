package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillResult;

/** A DS component whose constructor throws, so it never activates (bad-jar case). */
public final class ThrowingSkill implements Skill {
    public ThrowingSkill() {
        throw new IllegalStateException("component refuses to activate");
    }

    @Override
    public String name() {
        return "bench-echo";
    }

    @Override
    public String description() {
        return "never constructed";
    }

    @Override
    public JsonNode inputSchema() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) {
        throw new UnsupportedOperationException();
    }
}
