package dev.chrysalis.inference.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An independent validator for the supported JSON Schema subset, over Jackson trees, used to check generated
 * documents. Returns the list of violations (empty when valid).
 */
final class SchemaValidator {

    private SchemaValidator() {
    }

    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "$", errors);
        return errors;
    }

    private static void check(JsonNode s, JsonNode v, String path, List<String> errors) {
        if (s.isBoolean()) {
            if (!s.asBoolean()) {
                errors.add(path + ": schema false");
            }
            return;
        }
        if (s.has("const") && !s.get("const").equals(v)) {
            errors.add(path + ": " + v + " != const " + s.get("const"));
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                errors.add(path + ": " + v + " not in enum " + s.get("enum"));
            }
        }
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.has(k)) {
                int matches = 0;
                for (JsonNode option : s.get(k)) {
                    List<String> sub = new ArrayList<>();
                    check(option, v, path, sub);
                    matches += sub.isEmpty() ? 1 : 0;
                }
                if (matches == 0 || (k.equals("oneOf") && matches > 1)) {
                    errors.add(path + ": " + matches + " of the " + k + " options match " + v);
                }
            }
        }
        if (s.has("type")) {
            JsonNode t = s.get("type");
            boolean ok = false;
            if (t.isArray()) {
                for (JsonNode x : t) {
                    ok |= hasType(x.asText(), v);
                }
            } else {
                ok = hasType(t.asText(), v);
            }
            if (!ok) {
                errors.add(path + ": " + v + " is not of type " + t);
                return;
            }
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) {
                    errors.add(path + ": missing required '" + r.asText() + "'");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (props.has(e.getKey())) {
                    check(props.get(e.getKey()), e.getValue(), path + "." + e.getKey(), errors);
                } else if (s.has("additionalProperties") && s.get("additionalProperties").isBoolean()
                        && !s.get("additionalProperties").asBoolean()) {
                    errors.add(path + ": additional property '" + e.getKey() + "'");
                }
            }
        }
        if (v.isArray()) {
            if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
                errors.add(path + ": " + v.size() + " items < minItems");
            }
            if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
                errors.add(path + ": " + v.size() + " items > maxItems");
            }
            if (s.has("items")) {
                for (int i = 0; i < v.size(); i++) {
                    check(s.get("items"), v.get(i), path + "[" + i + "]", errors);
                }
            }
        }
        if (v.isTextual()) {
            int len = v.asText().codePointCount(0, v.asText().length());
            if (s.has("maxLength") && len > s.get("maxLength").asInt()) {
                errors.add(path + ": length " + len + " > maxLength");
            }
            if (s.has("minLength") && len < s.get("minLength").asInt()) {
                errors.add(path + ": length " + len + " < minLength");
            }
        }
    }

    private static boolean hasType(String t, JsonNode v) {
        return switch (t) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }
}
