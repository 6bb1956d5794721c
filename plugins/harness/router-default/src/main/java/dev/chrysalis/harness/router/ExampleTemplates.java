package dev.chrysalis.harness.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Induces rules from a skill's examples: the example's wording stays literal and each argument value
 * found in it becomes a typed slot. "convert 5 km to miles" with {"value":5,"from":"km","to":"miles"}
 * becomes {@code convert <number> <word> to <word>}. Argument values not in the wording (e.g. an
 * {@code operation} the phrasing implies) become constants, so an example without any slot matches its
 * exact wording only.
 */
final class ExampleTemplates {
    private static final Pattern TRAILING_QUESTION = Pattern.compile("[\\s?]+$");
    private static final int MIN_LITERAL_LETTERS = 3;

    private record Slot(int start, int end, String property) {
    }

    private ExampleTemplates() {
    }

    static List<RouteRule> induce(SkillDescriptor skill, InputSchema schema) {
        List<RouteRule> rules = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<SkillExample> examples = skill.examples();
        for (int i = 0; i < examples.size(); i++) {
            SkillExample example = examples.get(i);
            String utterance = TRAILING_QUESTION.matcher(example.utterance().strip()).replaceAll("");
            JsonNode args = example.arguments();
            if (!args.isObject() || utterance.isEmpty()) {
                continue;
            }
            List<Slot> slots = new ArrayList<>();
            Map<String, JsonNode> constants = new LinkedHashMap<>();
            boolean usable = true;
            // Longest values first, so "15" is placed before "5" can claim part of it.
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(args.properties());
            fields.sort(Comparator.comparingInt((Map.Entry<String, JsonNode> f) -> -valueText(f.getValue()).length())
                    .thenComparing(Map.Entry::getKey));
            for (var field : fields) {
                if (schema.property(field.getKey()).isEmpty()) {
                    usable = false; // an example that does not fit its own schema teaches nothing reliable
                    break;
                }
                String text = valueText(field.getValue());
                int at = text.isEmpty() || !field.getValue().isValueNode() ? -1 : find(utterance, text, slots);
                if (at < 0) {
                    constants.put(field.getKey(), field.getValue());
                } else {
                    slots.add(new Slot(at, at + text.length(), field.getKey()));
                }
            }
            if (!usable) { // an example without slots still routes its exact wording (e.g. "what is the date today")
                continue;
            }
            slots.sort(Comparator.comparingInt(Slot::start));
            StringBuilder regex = new StringBuilder();
            Map<String, String> groups = new TreeMap<>();
            int literalLetters = 0;
            int literalLength = 0;
            int pos = 0;
            for (int s = 0; s < slots.size(); s++) {
                Slot slot = slots.get(s);
                String literal = utterance.substring(pos, slot.start());
                regex.append(literalRegex(literal));
                literalLetters += (int) literal.chars().filter(Character::isLetter).count();
                literalLength += literal.strip().length();
                String group = "g" + s;
                groups.put(group, slot.property());
                regex.append("(?<").append(group).append('>')
                        .append(slotRegex(schema.property(slot.property()).orElseThrow(),
                                utterance.substring(slot.start(), slot.end())))
                        .append(')');
                pos = slot.end();
            }
            String tail = utterance.substring(pos);
            regex.append(literalRegex(tail));
            literalLetters += (int) tail.chars().filter(Character::isLetter).count();
            literalLength += tail.strip().length();
            if (literalLetters < MIN_LITERAL_LETTERS || !seen.add(regex.toString())) {
                continue;
            }
            Pattern compiled = Pattern.compile(regex.toString(),
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
            rules.add(new RouteRule(skill.name(), "example '" + example.utterance() + "' of " + skill.name(), compiled,
                    groups, constants, 0, literalLength, i));
        }
        return rules;
    }

    private static String valueText(JsonNode v) {
        if (v.isNumber()) {
            return v.decimalValue().stripTrailingZeros().toPlainString();
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** Where {@code value} occurs (ignoring case) as a whole token run, outside earlier slots; -1 when it does not. */
    private static int find(String utterance, String value, List<Slot> taken) {
        for (int at = indexOfIgnoreCase(utterance, value, 0); at >= 0; at = indexOfIgnoreCase(utterance, value, at + 1)) {
            int start = at;
            int end = at + value.length();
            boolean leftOk = start == 0 || !Character.isLetterOrDigit(value.charAt(0))
                    || !Character.isLetterOrDigit(utterance.charAt(start - 1));
            boolean rightOk = end == utterance.length() || !Character.isLetterOrDigit(value.charAt(value.length() - 1))
                    || !Character.isLetterOrDigit(utterance.charAt(end));
            boolean free = taken.stream().noneMatch(s -> start < s.end() && s.start() < end);
            if (leftOk && rightOk && free) {
                return start;
            }
        }
        return -1;
    }

    /** Like {@code indexOf}, ignoring case, with indices of {@code text} itself (lower-casing may change lengths). */
    static int indexOfIgnoreCase(String text, String needle, int from) {
        for (int i = Math.max(0, from); i + needle.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }

    /** The last occurrence, ignoring case; -1 when none. */
    static int lastIndexOfIgnoreCase(String text, String needle) {
        for (int i = text.length() - needle.length(); i >= 0; i--) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }

    private static String literalRegex(String literal) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < literal.length()) {
            if (Character.isWhitespace(literal.charAt(i))) {
                while (i < literal.length() && Character.isWhitespace(literal.charAt(i))) {
                    i++;
                }
                out.append("\\s+");
            } else {
                int start = i;
                while (i < literal.length() && !Character.isWhitespace(literal.charAt(i))) {
                    i++;
                }
                out.append(Pattern.quote(literal.substring(start, i)));
            }
        }
        return out.toString();
    }

    private static String slotRegex(InputSchema.Property property, String exampleValue) {
        return switch (property.type()) {
            case "number" -> "[-+]?(?:\\d[\\d,]*(?:\\.\\d+)?|\\.\\d+)(?:e[-+]?\\d+)?";
            case "integer" -> "[-+]?\\d[\\d,]*";
            case "boolean" -> "[\\p{L}\\p{N}]+";
            default -> exampleValue.chars().anyMatch(Character::isWhitespace) ? ".+?" : "\\S+";
        };
    }
}
