package dev.chrysalis.spi.skill;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Reads typed fields from a skill's JSON input; every problem becomes a {@link SkillInputException} naming the
 * field, so malformed input always reaches the user as one clear line.
 */
public final class SkillInputs {
    private SkillInputs() {
    }

    public static JsonNode object(JsonNode input) throws SkillInputException {
        if (input == null || input.isMissingNode() || input.isNull()) {
            throw new SkillInputException("input is missing: expected a JSON object");
        }
        if (!input.isObject()) {
            throw new SkillInputException("input must be a JSON object, got " + kind(input));
        }
        return input;
    }

    public static String requiredText(JsonNode input, String field) throws SkillInputException {
        return optionalText(input, field).orElseThrow(
                () -> new SkillInputException("field '" + field + "' is required (a string)"));
    }

    public static Optional<String> optionalText(JsonNode input, String field) throws SkillInputException {
        JsonNode v = input.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new SkillInputException("field '" + field + "' must be a string, got " + kind(v));
        }
        return Optional.of(v.asText());
    }

    public static Optional<BigDecimal> optionalNumber(JsonNode input, String field) throws SkillInputException {
        JsonNode v = input.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isNumber()) {
            return Optional.of(v.decimalValue());
        }
        if (v.isTextual()) {
            String t = v.asText().strip().replace("_", "");
            if (t.matches("[-+]?\\d{1,3}(,\\d{3})+(\\.\\d+)?")) {
                t = t.replace(",", "");
            }
            try {
                return Optional.of(new BigDecimal(t));
            } catch (NumberFormatException e) {
                throw new SkillInputException("field '" + field + "' must be a number, got \"" + abbreviate(v.asText()) + "\"");
            }
        }
        throw new SkillInputException("field '" + field + "' must be a number, got " + kind(v));
    }

    public static Optional<Integer> optionalInt(JsonNode input, String field) throws SkillInputException {
        Optional<BigDecimal> n = optionalNumber(input, field);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(n.get().intValueExact());
        } catch (ArithmeticException e) {
            throw new SkillInputException("field '" + field + "' must be a whole number, got " + n.get().toPlainString());
        }
    }

    public static Optional<Boolean> optionalBoolean(JsonNode input, String field) throws SkillInputException {
        JsonNode v = input.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isBoolean()) {
            return Optional.of(v.asBoolean());
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Optional.of(Boolean.parseBoolean(v.asText()));
        }
        throw new SkillInputException("field '" + field + "' must be true or false, got " + kind(v));
    }

    public static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number (" + v + ")";
            case BOOLEAN -> "a boolean (" + v + ")";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    public static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
