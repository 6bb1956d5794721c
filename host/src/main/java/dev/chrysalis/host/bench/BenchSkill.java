package dev.chrysalis.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The skill the swap benchmark and the swap tests hot-swap: echoes {@code n} and says which version answered.
 * The version is the bundle's own {@code bench-version.txt}, so two jars of this one class answer differently.
 * Runs inside a bundle (a DS component declared by {@link BenchBundles}), never on the host class path.
 */
public final class BenchSkill implements Skill {
    static final String NAME = "bench-echo";
    private final String version;
    private final JsonNode schema;

    public BenchSkill() {
        try (InputStream in = BenchSkill.class.getResourceAsStream("/bench-version.txt")) {
            version = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bench-version.txt", e);
        }
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("type", "object");
        s.putObject("properties").putObject("n").put("type", "integer");
        s.putArray("required").add("n");
        schema = s;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Echoes a number and names the bundle version that answered (swap benchmark).";
    }

    @Override
    public JsonNode inputSchema() {
        return schema;
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillInputException {
        JsonNode n = input.get("n");
        if (n == null || !n.canConvertToLong()) {
            throw new SkillInputException("field 'n': expected an integer, got " + (n == null ? "nothing" : n.toString()));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("n", n.asLong());
        out.put("version", version);
        return new SkillResult(out, "n=" + n.asLong() + " from version " + version);
    }
}
