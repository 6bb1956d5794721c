package dev.chrysalis.skill.json;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/** JSONPath queries over a document given inline or as a workspace file. See SKILL.md. */
@Component(service = Skill.class)
public final class JsonSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_MATCHES = 1_000;
    static final int MAX_INLINE_CHARS = 4 * 1024 * 1024;
    private static final String FILE = "[\\w./-]+\\.json";

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String description() {
        return "Queries a JSON document (inline or a workspace file) with a JSONPath such as $.items[0].name, $..price "
                + "or $.items[?(@.price < 10)] and lists the matches.";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        p.putObject("path").put("type", "string").put("description", "the JSONPath, starting with $");
        p.putObject("document").put("type", "string").put("description", "the JSON text (a JSON object or array is accepted as is)");
        p.putObject("file").put("type", "string").put("description", "instead of document: a JSON file in the workspace");
        schema.putArray("required").add("path");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(
                example("query $.items[0].name in data.json", Map.of("path", "$.items[0].name", "file", "data.json")),
                example("get $..price from store.json", Map.of("path", "$..price", "file", "store.json")),
                example("select $.items[?(@.price < 10)].name from inventory.json", Map.of("path", "$.items[?(@.price < 10)].name", "file", "inventory.json")),
                example("get $.a.b from {\"a\":{\"b\":1}}", Map.of("path", "$.a.b", "document", "{\"a\":{\"b\":1}}")),
                example("in {\"x\":[1,2]} what is at $.x[1]", Map.of("path", "$.x[1]", "document", "{\"x\":[1,2]}")),
                example("in config.json, get $.server.port", Map.of("path", "$.server.port", "file", "config.json")));
    }

    private static SkillExample example(String utterance, Map<String, String> args) {
        ObjectNode node = NODES.objectNode();
        args.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
        return new SkillExample(utterance, node);
    }

    @Override
    public List<RoutePattern> routePatterns() {
        String verb = "(?:query|get|extract|select|evaluate|jsonpath|find|run)";
        return List.of(
                new RoutePattern(verb + "\\s+(?<path>\\$.*?)\\s+(?:in|from|of|on|against)\\s+(?:the file\\s+)?(?<file>" + FILE + ")", Map.of(), 4),
                new RoutePattern(verb + "\\s+(?<path>\\$.*?)\\s+(?:in|from|of|on)\\s+(?<document>[\\[{].*)", Map.of(), 4),
                new RoutePattern("in (?<file>" + FILE + "),? (?:get|query|select|extract|what is at|what's at) (?<path>\\$.*)", Map.of(), 4),
                new RoutePattern("in (?<document>[\\[{].*[\\]}]),? (?:get|query|select|what is at|what's at) (?<path>\\$.*)", Map.of(), 4));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        JsonNode in = SkillInputs.object(input);
        String pathText = SkillInputs.requiredText(in, "path").strip();
        JsonPath path;
        try {
            path = JsonPath.parse(pathText);
        } catch (JsonPathException e) {
            throw new SkillInputException("field 'path': " + e.getMessage());
        }
        JsonNode document = document(context, in);
        List<JsonPath.Match> matches = path.evaluate(document, MAX_MATCHES + 1);
        ObjectNode out = NODES.objectNode().put("path", pathText);
        ArrayNode values = NODES.arrayNode();
        ArrayNode paths = NODES.arrayNode();
        long budget = context.limits().maxOutputChars();
        boolean truncated = matches.size() > MAX_MATCHES;
        for (JsonPath.Match m : matches.subList(0, Math.min(MAX_MATCHES, matches.size()))) {
            budget -= m.value().toString().length() + m.path().length();
            if (budget < 0) {
                truncated = true;
                break;
            }
            values.add(m.value());
            paths.add(m.path());
        }
        out.put("count", values.size()).put("truncated", truncated);
        out.set("matches", values);
        out.set("paths", paths);
        String summary = values.isEmpty() ? "no match for " + pathText
                : values.size() == 1 ? pathText + " = " + SkillInputs.abbreviate(values.get(0).toString())
                : values.size() + (truncated ? "+" : "") + " matches for " + pathText;
        return new SkillResult(out, summary);
    }

    private JsonNode document(SkillContext context, JsonNode in) throws SkillException {
        JsonNode inline = in.get("document");
        Optional<String> file = SkillInputs.optionalText(in, "file");
        boolean hasInline = inline != null && !inline.isNull();
        if (hasInline && file.isPresent()) {
            throw new SkillInputException("give either 'document' or 'file', not both");
        }
        if (file.isPresent()) {
            Path real = WorkspacePaths.existingFile(context.workspace(), "file", file.get());
            long size;
            try {
                size = Files.size(real);
            } catch (IOException e) {
                throw new SkillException("cannot read file '" + file.get().strip() + "': " + e.getMessage());
            }
            if (size > context.limits().maxReadBytes()) {
                throw new SkillException("file '" + file.get().strip() + "' is " + size + " bytes; the limit is "
                        + context.limits().maxReadBytes() + " bytes");
            }
            String text;
            try {
                text = Files.readString(real, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new SkillException("cannot read file '" + file.get().strip() + "' as UTF-8 text: " + e.getMessage());
            }
            return parse(text, "file '" + file.get().strip() + "'");
        }
        if (!hasInline) {
            throw new SkillInputException("give 'document' (the JSON text) or 'file' (a JSON file in the workspace)");
        }
        if (inline.isObject() || inline.isArray()) {
            return inline;
        }
        if (!inline.isTextual()) {
            throw new SkillInputException("field 'document' must be JSON text (a string), an object or an array, got "
                    + SkillInputs.kind(inline));
        }
        if (inline.asText().length() > MAX_INLINE_CHARS) {
            throw new SkillInputException("field 'document' is " + inline.asText().length() + " characters; the limit is "
                    + MAX_INLINE_CHARS + " (put larger documents in a workspace file)");
        }
        return parse(inline.asText(), "field 'document'");
    }

    private JsonNode parse(String text, String what) throws SkillInputException {
        if (text.isBlank()) {
            throw new SkillInputException(what + " is empty: expected a JSON document");
        }
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new SkillInputException(what + " is empty: expected a JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String message = String.valueOf(e.getOriginalMessage());
            int newline = message.indexOf('\n');
            throw new SkillInputException(what + " is not valid JSON" + where + ": "
                    + (newline > 0 ? message.substring(0, newline) : message));
        }
    }
}
