package dev.chrysalis.host.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.skill.calculator.CalculatorSkill;
import dev.chrysalis.skill.csv.CsvSkill;
import dev.chrysalis.skill.datetime.DateTimeSkill;
import dev.chrysalis.skill.files.FilesSkill;
import dev.chrysalis.skill.json.JsonSkill;
import dev.chrysalis.skill.text.TextSkill;
import dev.chrysalis.skill.units.UnitsSkill;
import dev.chrysalis.spi.skill.Skill;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Fixture models and the shipped skills, plus a JSON Schema check for the subset the skills use. */
public final class LlmFixtures {

    private LlmFixtures() {
    }

    public static Path model(String name) {
        String dir = System.getProperty("chrysalis.fixtures");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("../shared/fixtures");
        if (!Files.isDirectory(base)) {
            base = Path.of("/work/shared/fixtures");
        }
        return base.resolve("models").resolve(name);
    }

    /** Every shipped skill, as the real classes. */
    public static List<Skill> shippedSkills() {
        return List.of(new CalculatorSkill(), new CsvSkill(), new DateTimeSkill(), new FilesSkill(), new JsonSkill(),
                new TextSkill(), new UnitsSkill());
    }

    /** Problems of {@code doc} against {@code schema} (type, properties, required, enum, const, no extra properties). */
    public static List<String> validate(JsonNode schema, JsonNode doc) {
        List<String> problems = new ArrayList<>();
        validate(schema, doc, "$", problems);
        return problems;
    }

    private static void validate(JsonNode schema, JsonNode doc, String at, List<String> problems) {
        if (schema.has("anyOf")) {
            for (JsonNode alt : schema.get("anyOf")) {
                if (validate(alt, doc).isEmpty()) {
                    return;
                }
            }
            problems.add(at + ": matches no alternative");
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(doc)) {
            problems.add(at + ": not " + schema.get("const"));
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(doc);
            }
            if (!found) {
                problems.add(at + ": " + doc + " not in " + schema.get("enum"));
            }
        }
        String type = schema.path("type").asText("");
        boolean ok = switch (type) {
            case "object" -> doc.isObject();
            case "string" -> doc.isTextual();
            case "integer" -> doc.isIntegralNumber();
            case "number" -> doc.isNumber();
            case "boolean" -> doc.isBoolean();
            case "array" -> doc.isArray();
            case "null" -> doc.isNull();
            default -> true;
        };
        if (!ok) {
            problems.add(at + ": expected " + type + " but was " + doc.getNodeType());
            return;
        }
        if (doc.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) {
                if (!doc.has(r.asText())) {
                    problems.add(at + ": missing required '" + r.asText() + "'");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    validate(props.get(f.getKey()), f.getValue(), at + "." + f.getKey(), problems);
                } else if (schema.has("properties")) {
                    problems.add(at + ": property '" + f.getKey() + "' is not in the schema");
                }
            }
        }
        if (doc.isArray() && schema.has("items")) {
            for (int i = 0; i < doc.size(); i++) {
                validate(schema.get("items"), doc.get(i), at + "[" + i + "]", problems);
            }
        }
    }

}
