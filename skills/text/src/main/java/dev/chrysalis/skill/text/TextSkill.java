package dev.chrysalis.skill.text;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/** Text utilities: counts, regex find and replace (bounded), case conversions. See SKILL.md. */
@Component(service = Skill.class)
public final class TextSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final List<String> OPERATIONS = List.of("count", "find", "replace", "upper", "lower", "title", "snake", "kebab", "camel", "pascal");
    static final int MAX_TEXT_LENGTH = 1_000_000;
    static final int MAX_MATCHES = 1_000;
    private static final String TEXT = "\\s*:?\\s*(?<text>.+)";

    @Override
    public String name() {
        return "text";
    }

    @Override
    public String description() {
        return "Text utilities: count characters, words, lines and sentences; find or replace with a regular expression; "
                + "convert case (upper, lower, title, snake_case, kebab-case, camelCase, PascalCase).";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        ObjectNode op = p.putObject("operation").put("type", "string");
        OPERATIONS.forEach(op.putArray("enum")::add);
        p.putObject("text").put("type", "string").put("description", "the text to work on");
        p.putObject("pattern").put("type", "string").put("description", "find/replace: a Java regular expression, or /pattern/flags");
        p.putObject("replacement").put("type", "string").put("description", "replace: the replacement ($1 refers to group 1)");
        p.putObject("ignoreCase").put("type", "boolean").put("description", "find/replace: match regardless of case");
        p.putObject("literal").put("type", "boolean").put("description", "find/replace: treat pattern and replacement as plain text");
        schema.putArray("required").add("operation").add("text");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(
                example("count words in the quick brown fox", Map.of("operation", "count", "text", "the quick brown fox")),
                example("uppercase hello world", Map.of("operation", "upper", "text", "hello world")),
                example("lowercase: SHOUTING IS RUDE", Map.of("operation", "lower", "text", "SHOUTING IS RUDE")),
                example("title case the old man and the sea", Map.of("operation", "title", "text", "the old man and the sea")),
                example("snake case Hello World", Map.of("operation", "snake", "text", "Hello World")),
                example("kebab case userAccountId", Map.of("operation", "kebab", "text", "userAccountId")),
                example("camel case user account id", Map.of("operation", "camel", "text", "user account id")),
                example("pascal case user account id", Map.of("operation", "pascal", "text", "user account id")),
                example("replace cat with dog in: the cat sat", Map.of("operation", "replace", "pattern", "cat", "replacement", "dog", "text", "the cat sat")),
                example("find /\\d+/ in order 66 shipped 12 items", Map.of("operation", "find", "pattern", "/\\d+/", "text", "order 66 shipped 12 items")),
                example("how many words are in: to be or not to be", Map.of("operation", "count", "text", "to be or not to be")));
    }

    private static SkillExample example(String utterance, Map<String, String> args) {
        ObjectNode node = NODES.objectNode();
        args.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
        return new SkillExample(utterance, node);
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(
                new RoutePattern("count (?:the )?(?:words|characters|chars|letters|lines|sentences|code points)(?:,? and (?:words|characters|chars|lines|sentences))*(?: in| of)?" + TEXT, Map.of("operation", "count"), 3),
                new RoutePattern("(?:how many (?:words|characters|chars|letters|lines|sentences) (?:are )?(?:there )?in|word count (?:of|for))" + TEXT, Map.of("operation", "count"), 3),
                new RoutePattern("(?:uppercase|upper-case|upper case|upcase|all caps|shout)" + TEXT, Map.of("operation", "upper"), 3),
                new RoutePattern("(?:lowercase|lower-case|lower case|downcase)" + TEXT, Map.of("operation", "lower"), 3),
                new RoutePattern("(?:title ?case|title-case|capitalize)" + TEXT, Map.of("operation", "title"), 3),
                new RoutePattern("(?:to )?(?:snake[ _-]?case)" + TEXT, Map.of("operation", "snake"), 3),
                new RoutePattern("(?:to )?(?:kebab[ _-]?case)" + TEXT, Map.of("operation", "kebab"), 3),
                new RoutePattern("(?:to )?(?:camel[ _-]?case)" + TEXT, Map.of("operation", "camel"), 3),
                new RoutePattern("(?:to )?(?:pascal[ _-]?case)" + TEXT, Map.of("operation", "pascal"), 3),
                new RoutePattern("replace (?<pattern>/.+?/[a-z]*|\\S+) with (?<replacement>\\S*) in" + TEXT, Map.of("operation", "replace"), 3),
                new RoutePattern("(?:find|search for|match) (?:all )?(?:matches of )?(?<pattern>/.+?/[a-z]*) in" + TEXT, Map.of("operation", "find"), 3));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        JsonNode in = SkillInputs.object(input);
        String raw = SkillInputs.requiredText(in, "operation");
        String op = raw.strip().toLowerCase(Locale.ROOT).replace("case", "").replace("_", "").replace("-", "").strip();
        op = switch (op) {
            case "uppercase", "upper" -> "upper";
            case "counts", "stats", "statistics" -> "count";
            case "search", "match", "findall" -> "find";
            case "sub", "substitute" -> "replace";
            default -> op;
        };
        if (!OPERATIONS.contains(op)) {
            throw new SkillInputException("field 'operation': '" + SkillInputs.abbreviate(raw) + "' is not one of " + String.join(", ", OPERATIONS));
        }
        String text = SkillInputs.requiredText(in, "text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new SkillInputException("field 'text' is " + text.length() + " characters long; the limit is " + MAX_TEXT_LENGTH);
        }
        ObjectNode out = NODES.objectNode().put("operation", op);
        return switch (op) {
            case "count" -> count(text, out);
            case "find" -> find(in, text, out);
            case "replace" -> replace(in, text, out);
            default -> convert(op, text, out);
        };
    }

    private static SkillResult count(String text, ObjectNode out) {
        TextCounts c = TextCounts.of(text);
        out.put("chars", c.chars()).put("codePoints", c.codePoints()).put("bytes", c.bytes()).put("words", c.words())
                .put("lines", c.lines()).put("sentences", c.sentences());
        return new SkillResult(out, plural(c.words(), "word") + ", " + plural(c.codePoints(), "character") + ", "
                + plural(c.lines(), "line") + ", " + plural(c.sentences(), "sentence"));
    }

    private static SkillResult find(JsonNode in, String text, ObjectNode out) throws SkillException {
        Regexes.checkText(text);
        Pattern p = Regexes.compile(SkillInputs.requiredText(in, "pattern"), flag(in, "ignoreCase"), flag(in, "literal"));
        out.put("pattern", SkillInputs.requiredText(in, "pattern"));
        ArrayNode matches = NODES.arrayNode();
        int count = 0;
        try {
            Matcher m = p.matcher(new BoundedText(text, Regexes.STEP_BUDGET));
            var names = p.namedGroups();
            while (m.find()) {
                count++;
                if (matches.size() < MAX_MATCHES) {
                    ObjectNode one = matches.addObject().put("match", m.group())
                            .put("start", text.codePointCount(0, m.start())).put("end", text.codePointCount(0, m.end()));
                    if (m.groupCount() > 0) {
                        ArrayNode groups = one.putArray("groups");
                        for (int g = 1; g <= m.groupCount(); g++) {
                            groups.add(m.group(g));
                        }
                    }
                    if (!names.isEmpty()) {
                        ObjectNode named = one.putObject("named");
                        for (String name : names.keySet().stream().sorted().toList()) {
                            named.put(name, m.group(name));
                        }
                    }
                }
            }
        } catch (BoundedText.BudgetExceeded e) {
            throw Regexes.tooExpensive(p);
        }
        out.put("count", count).put("truncated", count > MAX_MATCHES);
        out.set("matches", matches);
        return new SkillResult(out, count + " match" + (count == 1 ? "" : "es") + " of " + p.pattern());
    }

    private static SkillResult replace(JsonNode in, String text, ObjectNode out) throws SkillException {
        Regexes.checkText(text);
        boolean literal = flag(in, "literal");
        String patternText = SkillInputs.requiredText(in, "pattern");
        String replacement = SkillInputs.optionalText(in, "replacement").orElseThrow(
                () -> new SkillInputException("field 'replacement' is required (a string; \"\" deletes the matches)"));
        Pattern p = Regexes.compile(patternText, flag(in, "ignoreCase"), literal);
        String effective = literal ? Matcher.quoteReplacement(replacement) : replacement;
        StringBuilder sb = new StringBuilder();
        int count = 0;
        try {
            Matcher m = p.matcher(new BoundedText(text, Regexes.STEP_BUDGET));
            while (m.find()) {
                count++;
                m.appendReplacement(sb, effective);
                if (sb.length() > MAX_TEXT_LENGTH) {
                    throw new SkillInputException("the replaced text would exceed " + MAX_TEXT_LENGTH + " characters");
                }
            }
            m.appendTail(sb);
        } catch (BoundedText.BudgetExceeded e) {
            throw Regexes.tooExpensive(p);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new SkillInputException("invalid replacement '" + SkillInputs.abbreviate(replacement) + "': " + e.getMessage()
                    + " (use \\$ for a literal dollar sign, or set literal to true)");
        }
        out.put("pattern", patternText).put("replacement", replacement).put("count", count).put("result", sb.toString());
        return new SkillResult(out, count + " replacement" + (count == 1 ? "" : "s") + ": " + SkillInputs.abbreviate(sb.toString()));
    }

    private static SkillResult convert(String op, String text, ObjectNode out) {
        String result = switch (op) {
            case "upper" -> CaseConversion.upper(text);
            case "lower" -> CaseConversion.lower(text);
            case "title" -> CaseConversion.title(text);
            case "snake" -> CaseConversion.snake(text);
            case "kebab" -> CaseConversion.kebab(text);
            case "camel" -> CaseConversion.camel(text);
            default -> CaseConversion.pascal(text);
        };
        out.put("result", result);
        return new SkillResult(out, SkillInputs.abbreviate(result));
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static boolean flag(JsonNode in, String field) throws SkillInputException {
        return SkillInputs.optionalBoolean(in, field).orElse(false);
    }
}
