package dev.chrysalis.spi.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and writes replay files (JSON lines; blank lines and lines starting with # are ignored). */
public final class ReplayCases {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayCases() {
    }

    /**
     * @param skill      the skill the cases belong to (a line may override it with "skill")
     * @param sourceName names the file in error messages
     */
    public static List<ReplayCase> parse(String jsonLines, String skill, String sourceName) {
        List<ReplayCase> cases = new ArrayList<>();
        var ids = new HashSet<String>();
        String[] lines = jsonLines.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = sourceName + " line " + (i + 1);
            ReplayCase c = parseLine(line, skill, where);
            if (!ids.add(c.id())) {
                throw new ReplayFormatException(where + ": duplicate case id '" + c.id() + "'");
            }
            cases.add(c);
        }
        return List.copyOf(cases);
    }

    private static ReplayCase parseLine(String line, String skill, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ReplayFormatException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!node.isObject()) {
            throw new ReplayFormatException(where + ": a case must be a JSON object");
        }
        String id = text(node, "id", where).orElseThrow(() -> new ReplayFormatException(where + ": missing 'id'"));
        JsonNode input = node.get("input");
        if (input == null) {
            throw new ReplayFormatException(where + ": case '" + id + "' has no 'input'");
        }
        Optional<JsonNode> expect = Optional.ofNullable(node.get("expect"));
        Optional<String> expectError = text(node, "expectError", where);
        if (expect.isPresent() == expectError.isPresent()) {
            throw new ReplayFormatException(where + ": case '" + id + "' needs exactly one of 'expect' and 'expectError'");
        }
        Instant clock = ReplayCase.DEFAULT_CLOCK;
        Optional<String> clockText = text(node, "clock", where);
        if (clockText.isPresent()) {
            try {
                clock = Instant.parse(clockText.get());
            } catch (DateTimeParseException e) {
                throw new ReplayFormatException(where + ": 'clock' is not an ISO instant: " + clockText.get());
            }
        }
        long seed = 0;
        if (node.has("seed")) {
            if (!node.get("seed").canConvertToLong()) {
                throw new ReplayFormatException(where + ": 'seed' must be an integer");
            }
            seed = node.get("seed").asLong();
        }
        Map<String, String> files = new LinkedHashMap<>();
        if (node.has("files")) {
            if (!node.get("files").isObject()) {
                throw new ReplayFormatException(where + ": 'files' must be an object of path -> content");
            }
            for (var f : node.get("files").properties()) {
                if (!f.getValue().isTextual()) {
                    throw new ReplayFormatException(where + ": file '" + f.getKey() + "' content must be a string");
                }
                files.put(f.getKey(), f.getValue().asText());
            }
        }
        double tolerance = node.has("tolerance") ? node.get("tolerance").asDouble(-1) : 0;
        if (tolerance < 0) {
            throw new ReplayFormatException(where + ": 'tolerance' must be a non-negative number");
        }
        String caseSkill = text(node, "skill", where).orElse(skill);
        return new ReplayCase(id, caseSkill, input, expect, expectError, clock, seed, files, tolerance);
    }

    private static Optional<String> text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new ReplayFormatException(where + ": '" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    /** The JSON-lines form of one case (inverse of {@link #parse}). */
    public static String toJsonLine(ReplayCase c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", c.id());
        o.put("skill", c.skill());
        o.set("input", c.input());
        c.expectedOutput().ifPresent(e -> o.set("expect", e));
        c.expectedError().ifPresent(e -> o.put("expectError", e));
        if (!c.clock().equals(ReplayCase.DEFAULT_CLOCK)) {
            o.put("clock", c.clock().toString());
        }
        if (c.seed() != 0) {
            o.put("seed", c.seed());
        }
        if (!c.files().isEmpty()) {
            ObjectNode files = o.putObject("files");
            c.files().forEach(files::put);
        }
        if (c.tolerance() > 0) {
            o.put("tolerance", c.tolerance());
        }
        return o.toString();
    }
}
