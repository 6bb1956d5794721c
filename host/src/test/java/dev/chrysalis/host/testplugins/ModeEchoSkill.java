package dev.chrysalis.host.testplugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Echoes {@code text}, behaving as the bundle's {@code echo-mode.txt} says: {@code same} echoes it, {@code upper}
 * echoes it upper-cased (a candidate whose answers differ), {@code broken} throws (a candidate that fails on live
 * traffic). Jars of this one class with different modes are versions of one plugin (promotion tests).
 */
public final class ModeEchoSkill implements Skill {
    public static final String NAME = "mode-echo";
    private final String mode;

    public ModeEchoSkill() {
        try (InputStream in = ModeEchoSkill.class.getResourceAsStream("/echo-mode.txt")) {
            mode = in == null ? "same" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Echoes text (promotion tests).";
    }

    @Override
    public JsonNode inputSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) {
        String text = input.path("text").asText();
        String answer = switch (mode) {
            case "upper" -> text.toUpperCase(Locale.ROOT);
            case "broken" -> throw new IllegalStateException("mode-echo " + mode + " fails on purpose");
            default -> text;
        };
        return new SkillResult(JsonNodeFactory.instance.objectNode().put("echo", answer).put("mode", mode.equals("upper") ? "upper" : "same"), answer);
    }
}
