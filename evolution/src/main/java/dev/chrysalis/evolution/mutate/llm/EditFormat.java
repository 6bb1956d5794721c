package dev.chrysalis.evolution.mutate.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.inference.constrain.JsonMatcher;
import dev.chrysalis.inference.constrain.JsonSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The JSON the coder must answer with, as a JSON Schema its decoding is constrained to:
 * <pre>{"rationale":"...","edits":[{"file":"src/main/java/...","find":"...","replace":"..."}]}</pre>
 * {@code file} is an enum of the plugin's Java sources, so the model cannot name another file; the string
 * lengths are capped so a document fits the token budget.
 */
public final class EditFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A parsed answer. */
    public record Plan(String rationale, List<Edit> edits) {
        public Plan {
            Objects.requireNonNull(rationale, "rationale");
            edits = List.copyOf(edits);
        }
    }

    private final String source;
    private final JsonSchema schema;
    private final int closingReserve;

    /**
     * @param files     the Java files the model may edit (paths inside the plugin folder)
     * @param maxTokens the generation budget the string caps are derived from
     */
    public EditFormat(List<String> files, int maxTokens) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("the edit format needs at least one editable file");
        }
        ObjectNode root = JSON.createObjectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode props = root.putObject("properties");
        props.putObject("rationale").put("type", "string").put("maxLength", Math.max(40, maxTokens / 10));
        ObjectNode edits = props.putObject("edits").put("type", "array").put("minItems", 1).put("maxItems", 2);
        ObjectNode item = edits.putObject("items").put("type", "object").put("additionalProperties", false);
        ObjectNode itemProps = item.putObject("properties");
        ArrayNode names = itemProps.putObject("file").putArray("enum");
        files.forEach(names::add);
        itemProps.putObject("find").put("type", "string").put("minLength", 1).put("maxLength", Math.max(40, maxTokens / 5));
        itemProps.putObject("replace").put("type", "string").put("maxLength", Math.max(60, maxTokens / 3));
        item.putArray("required").add("file").add("find").add("replace");
        root.putArray("required").add("rationale").add("edits");
        this.source = root.toString();
        this.schema = JsonSchema.compile(source);
        int longest = files.stream().mapToInt(f -> f.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
        this.closingReserve = 64 + longest;
    }

    /**
     * Tokens enough to close a document from any point: the rest of the envelope, the longest file name and
     * one character of {@code find}, one token per byte (the worst case).
     */
    public int closingReserve() {
        return closingReserve;
    }

    /** The schema's JSON text (shown to the model and stored for checks). */
    public String schemaJson() {
        return source;
    }

    public JsonSchema schema() {
        return schema;
    }

    /** Whether {@code text} is one whole document of this schema. */
    public boolean accepts(String text) {
        return JsonMatcher.accepts(schema, text);
    }

    /**
     * Parses a document of this schema.
     *
     * @throws IllegalArgumentException naming what is wrong when the text is not one
     */
    public Plan parse(String text) {
        if (!accepts(text)) {
            throw new IllegalArgumentException("coder output is not a document of the edit schema: " + abbreviate(text));
        }
        try {
            JsonNode n = JSON.readTree(text);
            List<Edit> edits = new ArrayList<>();
            for (JsonNode e : n.get("edits")) {
                edits.add(new Edit(e.get("file").asText(), e.get("find").asText(), e.get("replace").asText()));
            }
            return new Plan(n.get("rationale").asText(), edits);
        } catch (IOException e) {
            throw new IllegalArgumentException("coder output does not parse as JSON: " + abbreviate(text), e);
        }
    }

    static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
