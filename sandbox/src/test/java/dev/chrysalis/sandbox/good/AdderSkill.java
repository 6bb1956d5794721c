package dev.chrysalis.sandbox.good;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.nio.file.Files;

/** A well-behaved test skill: adds two integers, stamps the context's clock and a roll of its random source. */
public abstract class AdderSkill implements Skill {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "adder";
    }

    @Override
    public String description() {
        return "Adds two integers.";
    }

    @Override
    public JsonNode inputSchema() {
        return JSON.createObjectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        if (!input.path("a").canConvertToInt() || !input.path("b").isInt()) {
            throw new SkillInputException("a and b must be integers");
        }
        int a = input.path("a").asInt();
        int b = input.path("b").asInt();
        ObjectNode out = JSON.createObjectNode();
        out.put("sum", sum(a, b));
        out.put("at", context.clock().instant().toString());
        out.put("roll", roll(context));
        if (input.has("per")) {
            // no check on purpose: "per": 0 lets an ArithmeticException escape the skill
            out.put("share", sum(a, b) / input.path("per").asInt());
        }
        if (input.has("file")) {
            try {
                out.put("file", Files.readString(context.workspace().resolve(input.path("file").asText())).strip());
            } catch (IOException e) {
                throw new SkillException("cannot read " + input.path("file").asText(), e);
            }
        }
        return new SkillResult(out, a + " + " + b);
    }

    abstract int sum(int a, int b);

    abstract int roll(SkillContext context);
}
