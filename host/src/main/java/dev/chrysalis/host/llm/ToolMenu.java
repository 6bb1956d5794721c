package dev.chrysalis.host.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.inference.constrain.JsonSchema;
import dev.chrysalis.inference.constrain.SchemaException;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model is offered for one catalogue: the system prompt listing each skill (name, description, input
 * schema) and the compiled schema every decision is decoded under, {@code {"skill":<name>,"arguments":<its input>}}
 * for each skill or {@code {"skill":"none","arguments":{}}} to answer directly. Skills are listed by name so the
 * same catalogue always gives the same prompt (and the engine's prefix cache keeps it across turns).
 *
 * @param refused skills left out because their input schema uses a keyword the constraint cannot enforce, with why
 */
public record ToolMenu(String systemPrompt, JsonSchema decisionSchema, List<String> offered, Map<String, String> refused) {

    /** The decision that calls no tool. */
    public static final String NONE = "none";
    /** The longest free string a decision may hold. */
    static final int MAX_STRING = 96;
    private static final String NONE_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

    public ToolMenu {
        offered = List.copyOf(offered);
        refused = Map.copyOf(refused);
    }

    public static ToolMenu of(List<SkillDescriptor> catalogue) {
        List<SkillDescriptor> sorted = new ArrayList<>(catalogue);
        sorted.sort(Comparator.comparing(SkillDescriptor::name));
        Map<String, String> schemas = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        StringBuilder tools = new StringBuilder();
        for (SkillDescriptor skill : sorted) {
            if (skill.name().equals(NONE)) {
                refused.put(skill.name(), "the name 'none' is reserved for answering without a tool");
                continue;
            }
            String schema = bounded(skill.inputSchema()).toString();
            try {
                JsonSchema.compile(schema);
            } catch (SchemaException e) {
                refused.put(skill.name(), e.getMessage());
                continue;
            }
            schemas.put(skill.name(), schema);
            tools.append("- ").append(skill.name()).append(": ").append(skill.description().strip()).append('\n')
                    .append("  arguments: ").append(compactSchema(skill.inputSchema())).append('\n');
        }
        schemas.put(NONE, NONE_SCHEMA);
        String prompt = "You are Chrysalis, a helpful assistant that answers with the help of tools.\n"
                + (tools.isEmpty() ? "No tools are installed.\n" : "Tools:\n" + tools)
                + "First reply with one JSON object choosing a tool: {\"skill\":\"<tool name>\",\"arguments\":{...}} "
                + "with arguments matching its schema, or {\"skill\":\"none\",\"arguments\":{}} to answer directly. "
                + "After a tool result arrives, answer the user briefly in plain text.";
        List<String> offered = new ArrayList<>(schemas.keySet());
        offered.remove(NONE);
        return new ToolMenu(prompt, JsonSchema.toolCall(schemas), offered, refused);
    }

    /**
     * The schema the decision is decoded under: the skill's own, with free strings capped at {@link #MAX_STRING}
     * characters so a rambling model still closes its call within the token budget (every such call is valid
     * against the skill's schema too).
     */
    static JsonNode bounded(JsonNode schema) {
        JsonNode copy = schema.deepCopy();
        bound(copy);
        return copy;
    }

    private static void bound(JsonNode node) {
        if (!(node instanceof ObjectNode o)) {
            if (node != null && node.isArray()) {
                node.forEach(ToolMenu::bound);
            }
            return;
        }
        JsonNode type = o.get("type");
        boolean string = type != null && (type.asText().equals("string")
                || type.isArray() && type.toString().contains("\"string\""));
        if (string && !o.has("maxLength") && !o.has("enum") && !o.has("const")) {
            o.put("maxLength", MAX_STRING);
        } else if (string && o.has("maxLength") && o.get("maxLength").asInt() > MAX_STRING) {
            o.put("maxLength", MAX_STRING);
        }
        if (o.has("properties")) {
            o.get("properties").forEach(ToolMenu::bound);
        }
        for (String k : new String[] {"items", "anyOf", "oneOf"}) {
            if (o.has(k)) {
                bound(o.get(k));
            }
        }
    }

    /**
     * The schema as the model reads it, kept short because every character costs prompt tokens:
     * {@code {expression: string, precision?: integer, op: add|sub}} ({@code ?} marks optional properties).
     */
    private static String compactSchema(JsonNode schema) {
        JsonNode props = schema.path("properties");
        if (!props.isObject() || props.isEmpty()) {
            return schema.path("type").asText("any");
        }
        java.util.Set<String> required = new java.util.HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        StringBuilder sb = new StringBuilder("{");
        props.properties().forEach(e -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(required.contains(e.getKey()) ? "" : "?").append(": ");
            JsonNode p = e.getValue();
            if (p.has("enum")) {
                List<String> values = new ArrayList<>();
                p.get("enum").forEach(v -> values.add(v.asText()));
                sb.append(String.join("|", values));
            } else if (p.path("type").asText("").equals("object")) {
                sb.append(compactSchema(p));
            } else {
                sb.append(p.path("type").isMissingNode() ? "any" : p.path("type").asText(p.path("type").toString()));
            }
        });
        return sb.append('}').toString();
    }
}
