package dev.chrysalis.directory.index;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.directory.osgi.ManifestFormatException;
import dev.chrysalis.directory.osgi.Version;
import dev.chrysalis.governance.capability.TrustTier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the JSON index ({@code {"format": "chrysalis-directory/1", "entries": [...]}}) and gives the
 * canonical bytes of an entry that its signature covers.
 *
 * <p>Reading is entry by entry: the entries array is split into its elements first (strings and nesting
 * respected), and each element is parsed and checked on its own, so one malformed entry, or a file cut off in
 * the middle of its last entry, is reported by position and id while every other entry still loads.
 */
public final class IndexCodec {
    public static final String FORMAT = "chrysalis-directory/1";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY_ID = Pattern.compile("ed25519:[0-9a-f]{32}");
    private static final Pattern ID_GUESS = Pattern.compile("\"id\"\\s*:\\s*\"([^\"\\\\]{1,200})\"");

    private final ObjectMapper mapper = new ObjectMapper();
    private final ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @throws IndexFormatException when the file is not an index at all (no object, no entries array) */
    public DirectoryIndex read(byte[] bytes, String source) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        int arrayStart = entriesArrayStart(text, source);
        List<IndexEntry> entries = new ArrayList<>();
        List<IndexProblem> problems = new ArrayList<>();
        Split split = splitElements(text, arrayStart + 1);
        int position = 0;
        for (String element : split.elements()) {
            position++;
            String guess = guessId(element);
            JsonNode node;
            try {
                node = mapper.readTree(element);
            } catch (JsonProcessingException e) {
                problems.add(new IndexProblem(position, guess, "malformed JSON: " + e.getOriginalMessage()));
                continue;
            }
            try {
                entries.add(fromJson(node, "entry #" + position));
            } catch (IndexFormatException | ManifestFormatException e) {
                problems.add(new IndexProblem(position, node.path("id").isTextual() ? node.get("id").asText() : guess,
                        e.getMessage()));
            }
        }
        split.truncated().ifPresent(rest -> problems.add(new IndexProblem(split.elements().size() + 1, guessId(rest),
                "truncated: the index ends inside this entry (" + rest.strip().length() + " characters of it present)")));
        return new DirectoryIndex(source, entries, problems);
    }

    private int entriesArrayStart(String text, String source) {
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IndexFormatException(source + ": not a directory index (expected a JSON object)");
            }
            JsonToken t;
            while ((t = p.nextToken()) != null && t != JsonToken.END_OBJECT) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new IndexFormatException(source + ": unexpected " + t + " at the top level");
                }
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("format") && value == JsonToken.VALUE_STRING && !p.getText().equals(FORMAT)) {
                    throw new IndexFormatException(source + ": index format '" + p.getText() + "' is not " + FORMAT);
                }
                if (field.equals("entries")) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new IndexFormatException(source + ": 'entries' is not an array");
                    }
                    return (int) p.currentTokenLocation().getCharOffset();
                }
                p.skipChildren();
            }
            throw new IndexFormatException(source + ": no 'entries' array");
        } catch (IOException e) {
            throw new IndexFormatException(source + ": not a directory index before its entries ("
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + ")");
        }
    }

    record Split(List<String> elements, java.util.Optional<String> truncated) {
    }

    /** The element texts of the array whose body starts at {@code from}; the unterminated tail when the text ends first. */
    static Split splitElements(String text, int from) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int start = from;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}' -> depth--;
                case ']' -> {
                    if (depth == 0) {
                        String last = text.substring(start, i);
                        if (!last.isBlank()) {
                            out.add(last);
                        }
                        return new Split(out, java.util.Optional.empty());
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0) {
                        out.add(text.substring(start, i));
                        start = i + 1;
                    }
                }
                default -> {
                }
            }
        }
        String rest = text.substring(start);
        return new Split(out, rest.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(rest));
    }

    private static String guessId(String element) {
        Matcher m = ID_GUESS.matcher(element);
        return m.find() ? m.group(1) : "?";
    }

    public byte[] write(List<IndexEntry> entries) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT);
        ArrayNode arr = root.putArray("entries");
        entries.forEach(e -> arr.add(toJson(e)));
        try {
            return pretty.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write index JSON", e);
        }
    }

    /** The bytes a signature covers: the entry without its signature, keys sorted at every level, no spaces. */
    public byte[] canonical(IndexEntry entry) {
        ObjectNode node = toJson(entry);
        node.remove("signature");
        try {
            return mapper.writeValueAsBytes(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write canonical JSON", e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Map<String, JsonNode> fields = new TreeMap<>();
            n.properties().forEach(f -> fields.put(f.getKey(), sorted(f.getValue())));
            fields.forEach(out::set);
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return n;
    }

    public ObjectNode toJson(IndexEntry e) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", e.id());
        n.put("version", e.version().toString());
        n.put("name", e.name());
        n.put("description", e.description());
        n.put("summary", e.summary());
        strings(n.putArray("provides"), e.provides());
        strings(n.putArray("requires"), e.requires());
        strings(n.putArray("imports"), e.imports());
        strings(n.putArray("exports"), e.exports());
        n.put("sha256", e.sha256());
        n.put("size", e.size());
        n.put("location", e.location());
        n.put("publishedAt", e.publishedAt().toString());
        n.put("publisherKeyId", e.publisherKeyId());
        n.put("trustTier", e.trustTier());
        ObjectNode sc = n.putObject("scorecard");
        e.scorecard().replayCases().ifPresent(c -> sc.put("replayCases", c));
        e.scorecard().passRate().ifPresent(r -> sc.put("passRate", r));
        ObjectNode scan = sc.putObject("capabilityScan");
        scan.put("verdict", e.scorecard().scan().verdict());
        strings(scan.putArray("declared"), e.scorecard().scan().declared());
        strings(scan.putArray("used"), e.scorecard().scan().used());
        strings(scan.putArray("reasons"), e.scorecard().scan().reasons());
        strings(sc.putArray("lineage"), e.scorecard().lineage());
        n.put("signature", e.signature());
        return n;
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }

    /** @throws IndexFormatException naming {@code where}, the entry id and the field */
    public IndexEntry fromJson(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new IndexFormatException(where + ": not a JSON object");
        }
        String id = text(n, "id", where);
        String w = where + " '" + id + "'";
        Version version = Version.parse(text(n, "version", w), w + " field 'version'");
        String sha = text(n, "sha256", w);
        if (!HEX64.matcher(sha).matches()) {
            throw new IndexFormatException(w + ": field 'sha256' must be 64 lowercase hex digits, not '" + sha + "'");
        }
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw new IndexFormatException(w + ": field 'size' must be a non-negative integer");
        }
        String keyId = text(n, "publisherKeyId", w);
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IndexFormatException(w + ": field 'publisherKeyId' must look like ed25519:<32 hex digits>, not '" + keyId + "'");
        }
        String tier = text(n, "trustTier", w);
        if (TrustTier.byId(tier).isEmpty()) {
            throw new IndexFormatException(w + ": field 'trustTier' is '" + tier + "', not one of untrusted, community, verified, core");
        }
        Instant published;
        try {
            published = Instant.parse(text(n, "publishedAt", w));
        } catch (DateTimeParseException ex) {
            throw new IndexFormatException(w + ": field 'publishedAt' is not an ISO-8601 instant");
        }
        String signature = text(n, "signature", w);
        if (signature.isEmpty()) {
            throw new IndexFormatException(w + ": field 'signature' is empty");
        }
        return new IndexEntry(id, version, text(n, "name", w), optText(n, "description", w), optText(n, "summary", w),
                list(n, "provides", w), list(n, "requires", w), list(n, "imports", w), list(n, "exports", w), sha,
                size.asLong(), text(n, "location", w), published, keyId, tier, scorecard(n.get("scorecard"), w), signature);
    }

    private static Scorecard scorecard(JsonNode sc, String w) {
        if (sc == null || !sc.isObject()) {
            throw new IndexFormatException(w + ": field 'scorecard' is missing or not an object");
        }
        OptionalInt cases = OptionalInt.empty();
        if (sc.has("replayCases")) {
            if (!sc.get("replayCases").isInt() || sc.get("replayCases").asInt() < 0) {
                throw new IndexFormatException(w + ": scorecard 'replayCases' must be a non-negative integer");
            }
            cases = OptionalInt.of(sc.get("replayCases").asInt());
        }
        OptionalDouble rate = OptionalDouble.empty();
        if (sc.has("passRate")) {
            double r = sc.get("passRate").asDouble(-1);
            if (!sc.get("passRate").isNumber() || r < 0 || r > 1) {
                throw new IndexFormatException(w + ": scorecard 'passRate' must be a number from 0 to 1");
            }
            rate = OptionalDouble.of(r);
        }
        JsonNode scan = sc.get("capabilityScan");
        if (scan == null || !scan.isObject()) {
            throw new IndexFormatException(w + ": scorecard 'capabilityScan' is missing");
        }
        String sw = w + " scorecard capabilityScan";
        return new Scorecard(cases, rate, new Scorecard.CapabilityScan(text(scan, "verdict", sw), list(scan, "declared", sw),
                list(scan, "used", sw), list(scan, "reasons", sw)), list(sc, "lineage", w + " scorecard"));
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IndexFormatException(where + ": field '" + field + "' is missing");
        }
        if (!v.isTextual()) {
            throw new IndexFormatException(where + ": field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static String optText(JsonNode n, String field, String where) {
        return n.has(field) ? text(n, field, where) : "";
    }

    private static List<String> list(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IndexFormatException(where + ": field '" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
            JsonNode x = it.next();
            if (!x.isTextual()) {
                throw new IndexFormatException(where + ": field '" + field + "' holds a non-string element");
            }
            out.add(x.asText());
        }
        return out;
    }
}
