package dev.chrysalis.inference.constrain;

import dev.chrysalis.inference.constrain.Grammar.AnyOf;
import dev.chrysalis.inference.constrain.Grammar.AnyValue;
import dev.chrysalis.inference.constrain.Grammar.ArrayNode;
import dev.chrysalis.inference.constrain.Grammar.Literals;
import dev.chrysalis.inference.constrain.Grammar.Node;
import dev.chrysalis.inference.constrain.Grammar.NumberNode;
import dev.chrysalis.inference.constrain.Grammar.ObjectNode;
import dev.chrysalis.inference.constrain.Grammar.StringNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema compiled to a byte-level matcher. Supported: {@code type} (object, array, string, number,
 * integer, boolean, null, or a list of these), {@code properties}, {@code required}, {@code additionalProperties}
 * (extra properties are never generated), {@code items}, {@code minItems}, {@code maxItems}, {@code minLength},
 * {@code maxLength}, {@code enum}, {@code const}, {@code anyOf}/{@code oneOf} (alternatives are not checked for
 * exclusivity), and an empty schema for any value. Annotations (title, description, default, examples, format,
 * $schema, $id, $comment) are ignored; keywords that would constrain values in ways the matcher does not
 * enforce ({@code pattern}, {@code minimum}, {@code $ref}, ...) are refused so a "valid" output never violates
 * its schema.
 */
public final class JsonSchema {

    private static final int ANY_DEPTH = 6;
    private static final int ANY_STRING = 256;
    private static final Set<String> IGNORED = Set.of("title", "description", "default", "examples", "format", "$schema",
            "$id", "$comment", "additionalProperties", "type", "properties", "required", "items", "minItems", "maxItems",
            "minLength", "maxLength", "enum", "const", "anyOf", "oneOf", "deprecated", "readOnly", "writeOnly");

    private final Node root;
    private final String source;

    private JsonSchema(Node root, String source) {
        this.root = root;
        this.source = source;
    }

    /**
     * Compiles schema JSON text.
     *
     * @throws SchemaException naming the path and keyword when the text is not JSON or uses an unsupported keyword
     */
    public static JsonSchema compile(String schemaJson) {
        return new JsonSchema(node(SchemaJson.parse(schemaJson), "#"), schemaJson);
    }

    /**
     * The schema of one tool call: {@code {"<nameKey>":"<skill>","<argsKey>":<that skill's arguments>}} for any
     * of the given skills (name to arguments schema JSON), e.g. {@code {"skill":"calc","arguments":{...}}}.
     */
    public static JsonSchema toolCall(Map<String, String> skillArgumentSchemas, String nameKey, String argumentsKey) {
        if (skillArgumentSchemas.isEmpty()) {
            throw new SchemaException("tool call: no skills given");
        }
        StringBuilder sb = new StringBuilder("{\"anyOf\":[");
        boolean first = true;
        for (Map.Entry<String, String> e : skillArgumentSchemas.entrySet()) {
            SchemaJson.parse(e.getValue());
            sb.append(first ? "" : ",").append("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{")
                    .append(SchemaJson.quote(nameKey)).append(":{\"const\":").append(SchemaJson.quote(e.getKey())).append("},")
                    .append(SchemaJson.quote(argumentsKey)).append(':').append(e.getValue()).append("},\"required\":[")
                    .append(SchemaJson.quote(nameKey)).append(',').append(SchemaJson.quote(argumentsKey)).append("]}");
            first = false;
        }
        return compile(sb.append("]}").toString());
    }

    /** {@link #toolCall(Map, String, String)} with the keys {@code skill} and {@code arguments}. */
    public static JsonSchema toolCall(Map<String, String> skillArgumentSchemas) {
        return toolCall(skillArgumentSchemas, "skill", "arguments");
    }

    /** The schema text this was compiled from. */
    public String source() {
        return source;
    }

    /** A fresh matcher at the start of a value. */
    public JsonMatcher matcher() {
        return new JsonMatcher(root);
    }

    Node root() {
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Node node(Object schema, String path) {
        if (schema instanceof Boolean b) {
            if (!b) {
                throw new SchemaException(path + ": schema 'false' accepts nothing");
            }
            return new AnyValue(ANY_DEPTH, ANY_STRING);
        }
        if (!(schema instanceof Map<?, ?> raw)) {
            throw new SchemaException(path + ": a schema must be an object or a boolean, was " + SchemaJson.write(schema));
        }
        Map<String, Object> m = (Map<String, Object>) raw;
        for (String k : m.keySet()) {
            if (!IGNORED.contains(k)) {
                throw new SchemaException(path + ": keyword '" + k + "' is not supported by constrained decoding");
            }
        }
        if (m.containsKey("const")) {
            return Literals.of(SchemaJson.write(m.get("const")));
        }
        if (m.containsKey("enum")) {
            if (!(m.get("enum") instanceof List<?> values) || values.isEmpty()) {
                throw new SchemaException(path + "/enum: must be a non-empty array");
            }
            Set<String> texts = new java.util.LinkedHashSet<>();
            for (Object v : values) {
                texts.add(SchemaJson.write(v));
            }
            return Literals.of(texts.toArray(String[]::new));
        }
        for (String k : List.of("anyOf", "oneOf")) {
            if (m.containsKey(k)) {
                if (!(m.get(k) instanceof List<?> options) || options.isEmpty()) {
                    throw new SchemaException(path + "/" + k + ": must be a non-empty array of schemas");
                }
                if (m.containsKey("type")) {
                    throw new SchemaException(path + ": '" + k + "' together with 'type' is not supported; put the type in each option");
                }
                List<Node> nodes = new ArrayList<>();
                for (int i = 0; i < options.size(); i++) {
                    nodes.add(node(options.get(i), path + "/" + k + "/" + i));
                }
                return new AnyOf(List.copyOf(nodes));
            }
        }
        Object type = m.get("type");
        if (type instanceof List<?> types) {
            if (types.isEmpty()) {
                throw new SchemaException(path + "/type: empty list of types");
            }
            List<Node> nodes = new ArrayList<>();
            for (Object t : types) {
                Map<String, Object> copy = new LinkedHashMap<>(m);
                copy.put("type", t);
                nodes.add(node(copy, path));
            }
            return new AnyOf(List.copyOf(nodes));
        }
        if (type == null) {
            type = m.containsKey("properties") ? "object" : m.containsKey("items") ? "array" : null;
        }
        if (type == null) {
            return new AnyValue(ANY_DEPTH, ANY_STRING);
        }
        if (!(type instanceof String t)) {
            throw new SchemaException(path + "/type: must be a string or a list of strings");
        }
        return switch (t) {
            case "object" -> object(m, path);
            case "array" -> {
                int min = bound(m, "minItems", 0, path);
                int max = bound(m, "maxItems", Integer.MAX_VALUE, path);
                if (min > max) {
                    throw new SchemaException(path + ": minItems " + min + " exceeds maxItems " + max);
                }
                Object items = m.getOrDefault("items", Boolean.TRUE);
                yield new ArrayNode(node(items, path + "/items"), min, max);
            }
            case "string" -> {
                int min = bound(m, "minLength", 0, path);
                int max = bound(m, "maxLength", Integer.MAX_VALUE, path);
                if (min > max) {
                    throw new SchemaException(path + ": minLength " + min + " exceeds maxLength " + max);
                }
                yield new StringNode(min, max);
            }
            case "number" -> new NumberNode(false);
            case "integer" -> new NumberNode(true);
            case "boolean" -> Literals.of("true", "false");
            case "null" -> Literals.of("null");
            default -> throw new SchemaException(path + "/type: '" + t + "' is not a JSON Schema type");
        };
    }

    @SuppressWarnings("unchecked")
    private static Node object(Map<String, Object> m, String path) {
        Object p = m.getOrDefault("properties", Map.of());
        if (!(p instanceof Map<?, ?> props)) {
            throw new SchemaException(path + "/properties: must be an object");
        }
        Set<String> required = new HashSet<>();
        Object r = m.getOrDefault("required", List.of());
        if (!(r instanceof List<?> req)) {
            throw new SchemaException(path + "/required: must be an array of names");
        }
        for (Object name : req) {
            if (!(name instanceof String s) || !props.containsKey(s)) {
                throw new SchemaException(path + "/required: '" + name + "' is not one of the declared properties "
                        + props.keySet() + " (additional properties are never generated)");
            }
            required.add(s);
        }
        List<String> names = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        boolean[] isRequired = new boolean[props.size()];
        for (Map.Entry<String, Object> e : ((Map<String, Object>) props).entrySet()) {
            isRequired[names.size()] = required.contains(e.getKey());
            names.add(e.getKey());
            keys.add((SchemaJson.quote(e.getKey()) + ":").getBytes(StandardCharsets.UTF_8));
            values.add(node(e.getValue(), path + "/properties/" + e.getKey()));
        }
        return new ObjectNode(List.copyOf(names), List.copyOf(keys), List.copyOf(values), isRequired);
    }

    private static int bound(Map<String, Object> m, String key, int absent, String path) {
        Object v = m.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof SchemaJson.Num n)) {
            throw new SchemaException(path + "/" + key + ": must be a non-negative integer");
        }
        long l = n.asLong(path + "/" + key);
        if (l < 0) {
            throw new SchemaException(path + "/" + key + ": must be a non-negative integer, was " + l);
        }
        return (int) Math.min(l, Integer.MAX_VALUE);
    }
}
