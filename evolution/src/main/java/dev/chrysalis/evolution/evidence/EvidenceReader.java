package dev.chrysalis.evolution.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import dev.chrysalis.spi.replay.ReplayFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the host's evidence export (JSON lines, one evidence turn per line: {@code evidence}, {@code failures}
 * with {@code plugin}/{@code message}/{@code stackTrace}, {@code calls} as replay case lines) and locates each
 * turn's plugin: a failure naming a plugin first, then stack-trace frames in a plugin package
 * (a frame whose class is in one of the plugin's packages), then the skill of the calls.
 * A call may carry {@code "correct": {"expect": ...}} or {@code {"expectError": ...}}: the behaviour it
 * should have had, which makes the case a {@link EvidenceCase.Goal#MATCH} goal.
 */
public final class EvidenceReader {
    private static final Pattern FRAME = Pattern.compile("at (dev\\.chrysalis\\.[a-z0-9_.]+)\\.[A-Z]");
    private final ObjectMapper json;
    private final List<PluginSource> plugins;
    private final Map<String, Set<String>> packages;

    /** @param packages each plugin's Java packages (plugin name -> packages), for locating stack frames */
    public EvidenceReader(ObjectMapper json, List<PluginSource> plugins, Map<String, Set<String>> packages) {
        this.json = json;
        this.plugins = List.copyOf(plugins);
        this.packages = Map.copyOf(packages);
    }

    public List<EvidenceItem> read(String jsonLines, String sourceName) {
        List<EvidenceItem> items = new ArrayList<>();
        String[] lines = jsonLines.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                items.add(readLine(line, sourceName + " line " + (i + 1)));
            }
        }
        return items;
    }

    private EvidenceItem readLine(String line, String where) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new EvidenceFormatException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!node.isObject() || !node.path("evidence").canConvertToLong()) {
            throw new EvidenceFormatException(where + ": an evidence line must be an object with a numeric 'evidence' id");
        }
        long id = node.get("evidence").asLong();
        List<String> why = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        Optional<String> plugin = Optional.empty();
        for (JsonNode f : node.path("failures")) {
            why.add(f.path("kind").asText("FAILURE") + ": " + f.path("message").asText(""));
            if (plugin.isEmpty() && f.hasNonNull("plugin")) {
                plugin = known(f.get("plugin").asText());
            }
            if (f.hasNonNull("stackTrace")) {
                traces.add(f.get("stackTrace").asText());
            }
        }
        for (String t : traces) {
            Matcher m = FRAME.matcher(t);
            while (plugin.isEmpty() && m.find()) {
                plugin = byPackage(m.group(1));
            }
        }
        List<EvidenceCase> cases = new ArrayList<>();
        for (JsonNode call : node.path("calls")) {
            if (!call.isObject()) {
                throw new EvidenceFormatException(where + ": each of 'calls' must be an object");
            }
            cases.add(toCase((ObjectNode) call.deepCopy(), where));
        }
        if (plugin.isEmpty()) {
            for (EvidenceCase c : cases) {
                plugin = plugin.or(() -> known(c.replay().skill()));
            }
        }
        String located = plugin.orElseThrow(() -> new EvidenceFormatException(where + ": evidence " + id
                + " names no known plugin (failures, stack traces and calls point nowhere among " + names() + ")"));
        return new EvidenceItem(List.of(id), located, why, traces, cases);
    }

    private EvidenceCase toCase(ObjectNode call, String where) {
        JsonNode correct = call.remove("correct");
        call.remove("summary");
        call.remove("durationMicros");
        EvidenceCase.Goal goal = EvidenceCase.Goal.CHANGE;
        if (correct != null) {
            if (!correct.isObject() || correct.has("expect") == correct.has("expectError")) {
                throw new EvidenceFormatException(where + ": 'correct' of call " + call.path("id").asText("?")
                        + " needs exactly one of 'expect' and 'expectError'");
            }
            call.remove("expect");
            call.remove("expectError");
            call.setAll((ObjectNode) correct);
            goal = EvidenceCase.Goal.MATCH;
        }
        try {
            List<ReplayCase> parsed = ReplayCases.parse(call.toString(), call.path("skill").asText(""), where);
            return new EvidenceCase(parsed.getFirst(), goal);
        } catch (ReplayFormatException e) {
            throw new EvidenceFormatException(e.getMessage());
        }
    }

    /** A skill or plugin name as the host reports it, mapped to a workspace plugin. */
    private Optional<String> known(String name) {
        for (PluginSource p : plugins) {
            if (p.name().equals(name) || p.symbolicName().equals(name) || p.symbolicName().endsWith("-" + name)) {
                return Optional.of(p.name());
            }
        }
        return Optional.empty();
    }

    private Optional<String> byPackage(String pkg) {
        for (PluginSource p : plugins) {
            if (packages.getOrDefault(p.name(), Set.of()).contains(pkg)) {
                return Optional.of(p.name());
            }
        }
        return Optional.empty();
    }

    private List<String> names() {
        return plugins.stream().map(PluginSource::name).toList();
    }
}
