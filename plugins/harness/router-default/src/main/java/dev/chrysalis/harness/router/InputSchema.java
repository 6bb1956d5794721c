package dev.chrysalis.harness.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The part of a skill's JSON Schema the router needs: each property's type and enum, and which are
 * required. Turns the text a pattern captured into a JSON value of the property's type.
 */
final class InputSchema {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[\\s?!.,;:]+$");
    private static final Pattern TRAILING_QUESTION = Pattern.compile("[\\s?]+$");
    /** The most digits before or after the point a converted number may have. */
    private static final int MAX_DIGITS = 1000;
    private static final Pattern GROUPED_THOUSANDS = Pattern.compile("[-+]?\\d{1,3}(,\\d{3})+(\\.\\d+)?");
    private static final Map<String, Boolean> BOOLEAN_WORDS = Map.ofEntries(
            Map.entry("true", true), Map.entry("yes", true), Map.entry("y", true), Map.entry("on", true),
            Map.entry("1", true), Map.entry("false", false), Map.entry("no", false), Map.entry("n", false),
            Map.entry("off", false), Map.entry("0", false));

    /** One declared property. {@code type} is the JSON Schema type name; "string" when none is declared. */
    record Property(String name, String type, List<String> enumValues) {
    }

    /** The outcome of converting captured text to a property value. */
    sealed interface Conversion {
        record Converted(JsonNode value) implements Conversion {
        }

        record Rejected(String why) implements Conversion {
        }
    }

    private final Map<String, Property> properties;
    private final List<String> required;

    private InputSchema(Map<String, Property> properties, List<String> required) {
        this.properties = properties;
        this.required = required;
    }

    /** Reads what it can; a schema without properties simply declares none. */
    static InputSchema of(JsonNode schema) {
        Map<String, Property> props = new LinkedHashMap<>();
        JsonNode declared = schema == null ? null : schema.get("properties");
        if (declared != null && declared.isObject()) {
            for (var entry : declared.properties()) {
                JsonNode spec = entry.getValue();
                props.put(entry.getKey(), new Property(entry.getKey(), typeOf(spec), enumOf(spec)));
            }
        }
        List<String> required = new ArrayList<>();
        JsonNode req = schema == null ? null : schema.get("required");
        if (req != null && req.isArray()) {
            req.forEach(r -> {
                if (r.isTextual()) {
                    required.add(r.asText());
                }
            });
        }
        return new InputSchema(props, List.copyOf(required));
    }

    private static String typeOf(JsonNode spec) {
        JsonNode type = spec == null ? null : spec.get("type");
        if (type == null) {
            return "string";
        }
        if (type.isTextual()) {
            return type.asText();
        }
        if (type.isArray()) { // e.g. ["string","null"]: the first type that is not null
            for (JsonNode t : type) {
                if (t.isTextual() && !t.asText().equals("null")) {
                    return t.asText();
                }
            }
        }
        return "string";
    }

    private static List<String> enumOf(JsonNode spec) {
        JsonNode values = spec == null ? null : spec.get("enum");
        if (values == null || !values.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    Optional<Property> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    Map<String, Property> properties() {
        return properties;
    }

    List<String> required() {
        return required;
    }

    /** The required properties {@code arguments} lacks, in declaration order. */
    List<String> missingRequired(ObjectNode arguments) {
        return required.stream().filter(r -> !arguments.has(r)).toList();
    }

    /** Converts captured text to the property's type (the property must exist). */
    Conversion convert(String propertyName, String raw) {
        Property p = properties.get(propertyName);
        String text = raw.strip();
        return switch (p.type()) {
            case "number" -> number(p, text);
            case "integer" -> integer(p, text);
            case "boolean" -> bool(p, text);
            case "array", "object" -> structured(p, text);
            default -> string(p, text);
        };
    }

    private static Conversion number(Property p, String text) {
        Optional<BigDecimal> d = decimal(text);
        if (d.isEmpty()) {
            return new Conversion.Rejected(p.name() + ": '" + text + "' is not a number");
        }
        return new Conversion.Converted(numberNode(d.get()));
    }

    private static Conversion integer(Property p, String text) {
        Optional<BigDecimal> d = decimal(text);
        if (d.isEmpty()) {
            return new Conversion.Rejected(p.name() + ": '" + text + "' is not an integer");
        }
        BigDecimal v = d.get().stripTrailingZeros();
        if (v.scale() > 0) {
            return new Conversion.Rejected(p.name() + ": '" + text + "' is not a whole number");
        }
        BigInteger i = v.toBigIntegerExact();
        return new Conversion.Converted(integerNode(i));
    }

    private static Optional<BigDecimal> decimal(String text) {
        String t = TRAILING_PUNCTUATION.matcher(text).replaceAll("");
        if (GROUPED_THOUSANDS.matcher(t).matches()) {
            t = t.replace(",", "");
        }
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || !Character.isDigit(t.charAt(t.length() - 1)) && t.charAt(t.length() - 1) != '.') {
            return Optional.empty();
        }
        try {
            BigDecimal d = new BigDecimal(t);
            // "1e999999999" parses, but would take gigabytes as an integer: no skill means such a number.
            return Math.abs((long) d.precision() - d.scale()) > MAX_DIGITS || Math.abs((long) d.scale()) > MAX_DIGITS
                    ? Optional.empty() : Optional.of(d);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The node Jackson itself would read for this integer: int, long or big integer by size. */
    static JsonNode integerNode(BigInteger i) {
        if (i.bitLength() < 32) {
            return NODES.numberNode(i.intValue());
        }
        return i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(i);
    }

    /** Whole numbers become integer nodes; others a double when it prints back exactly, else an exact decimal. */
    static JsonNode numberNode(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            return integerNode(stripped.toBigIntegerExact());
        }
        double d = value.doubleValue();
        if (Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(value) == 0) {
            return NODES.numberNode(d);
        }
        return NODES.numberNode(value);
    }

    private static Conversion bool(Property p, String text) {
        String t = TRAILING_PUNCTUATION.matcher(text).replaceAll("").toLowerCase(Locale.ROOT);
        Boolean b = BOOLEAN_WORDS.get(t);
        return b == null
                ? new Conversion.Rejected(p.name() + ": '" + text + "' is not a yes/no value")
                : new Conversion.Converted(NODES.booleanNode(b));
    }

    private static Conversion structured(Property p, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            boolean fits = p.type().equals("array") ? node != null && node.isArray() : node != null && node.isObject();
            return fits ? new Conversion.Converted(node)
                    : new Conversion.Rejected(p.name() + ": '" + text + "' is not a JSON " + p.type());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new Conversion.Rejected(p.name() + ": '" + text + "' is not JSON");
        }
    }

    /**
     * Strings lose a trailing question mark and surrounding quotes. Sentence punctuation ({@code . , ; : !})
     * is dropped only from single words and enum values (a file name, a unit, a date), where it cannot be
     * part of the value; free text with spaces keeps it ("Hello there." has 12 characters).
     */
    private static Conversion string(Property p, String text) {
        String t = TRAILING_QUESTION.matcher(text).replaceAll("");
        t = unquote(t);
        boolean singleWord = t.chars().noneMatch(Character::isWhitespace);
        if (singleWord || !p.enumValues().isEmpty()) {
            t = unquote(TRAILING_PUNCTUATION.matcher(t).replaceAll(""));
        }
        if (t.isEmpty()) {
            return new Conversion.Rejected(p.name() + ": empty value");
        }
        if (!p.enumValues().isEmpty()) {
            for (String allowed : p.enumValues()) {
                if (allowed.equalsIgnoreCase(t)) {
                    return new Conversion.Converted(NODES.textNode(allowed));
                }
            }
            return new Conversion.Rejected(p.name() + ": '" + t + "' is not one of " + p.enumValues());
        }
        return new Conversion.Converted(NODES.textNode(t));
    }

    private static String unquote(String t) {
        if (t.length() >= 2) {
            char first = t.charAt(0);
            char last = t.charAt(t.length() - 1);
            if ((first == '"' && last == '"') || (first == '\'' && last == '\'') || (first == '\u201c' && last == '\u201d')
                    || (first == '`' && last == '`')) {
                return t.substring(1, t.length() - 1);
            }
        }
        return t;
    }
}
