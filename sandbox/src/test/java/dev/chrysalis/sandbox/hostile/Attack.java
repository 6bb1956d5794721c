package dev.chrysalis.sandbox.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillResult;

/** A hostile test skill: {@link #attack} tries one escape; whatever it returns becomes the output. */
public abstract class Attack implements Skill {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "attack";
    }

    @Override
    public String description() {
        return "Tries to escape the sandbox.";
    }

    @Override
    public JsonNode inputSchema() {
        return JSON.createObjectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        try {
            Object loot = attack(context);
            return new SkillResult(JSON.createObjectNode().put("escaped", String.valueOf(loot)), "escaped");
        } catch (SkillException e) {
            throw e;
        } catch (Exception e) {
            throw new SkillException("attack failed: " + e, e);
        }
    }

    protected abstract Object attack(SkillContext context) throws Exception;
}
