package dev.chrysalis.evolution.preserve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.trial.TurnCases;
import dev.chrysalis.spi.replay.ReplayCase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls near the recorded ones, made by small structural edits of each case: nobody knows the right answer to them,
 * but a correct repair does not start failing on them where the live version did not. A candidate that passes every
 * case yet throws on a neighbour has fitted the cases instead of fixing the code (the overfitting check of
 * fuzzing-based patch assessment, Opad-style).
 *
 * <p>The edits, each applied alone: in a string, drop one list item (a separator with the item after it, or the item
 * before it with the separator), replace a number with 0, 1 or -1, or drop one token; a number becomes 0, 1, -1 or one
 * more or less; an array loses one element; a boolean flips; a workspace file loses one line. Deterministic: the same
 * cases give the same neighbours in the same order.
 */
public final class NeighbourInputs {
    /** The expectation every neighbour carries: it is observed, never judged. */
    public static final String OBSERVED = "(a neighbour input: observed, not judged)";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern TOKEN = Pattern.compile("\\d+(?:\\.\\d+)?|[\\p{L}_][\\p{L}\\p{N}_]*|\\s+|.", Pattern.DOTALL);
    private static final int PER_CASE = 24;

    private NeighbourInputs() {
    }

    /**
     * Up to {@code limit} neighbours, half of them (when there are enough) taken from the {@code first} cases, which
     * should be those nearest the fault (the evidence), the rest from all cases, each share taken round-robin so every
     * case contributes. No neighbour repeats a recorded call or another neighbour. Turn cases have no neighbours.
     */
    public static List<ReplayCase> of(List<ReplayCase> first, List<ReplayCase> rest, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("neighbour limit must not be negative, got " + limit);
        }
        Set<String> seen = new HashSet<>();
        for (ReplayCase c : first) {
            seen.add(key(c.skill(), c.input(), c.files()));
        }
        for (ReplayCase c : rest) {
            seen.add(key(c.skill(), c.input(), c.files()));
        }
        List<List<ReplayCase>> nearFault = variants(first, seen);
        List<ReplayCase> out = new ArrayList<>(roundRobin(nearFault, limit / 2 + limit % 2));
        List<List<ReplayCase>> all = new ArrayList<>(nearFault);
        all.addAll(variants(rest, seen));
        Set<String> taken = new HashSet<>();
        out.forEach(c -> taken.add(c.id()));
        for (ReplayCase c : roundRobin(all.stream().map(l -> l.stream().filter(v -> !taken.contains(v.id())).toList()).toList(),
                limit - out.size())) {
            out.add(c);
        }
        return List.copyOf(out);
    }

    private static List<ReplayCase> roundRobin(List<List<ReplayCase>> lists, int limit) {
        List<ReplayCase> out = new ArrayList<>();
        for (int i = 0; out.size() < limit; i++) {
            boolean any = false;
            for (List<ReplayCase> l : lists) {
                if (i < l.size()) {
                    any = true;
                    if (out.size() < limit) {
                        out.add(l.get(i));
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }

    /** Each skill case's neighbours, in the order of the edits above, unseen ones only. */
    private static List<List<ReplayCase>> variants(List<ReplayCase> cases, Set<String> seen) {
        List<List<ReplayCase>> out = new ArrayList<>();
        for (ReplayCase c : cases) {
            if (TurnCases.isTurn(c)) {
                continue;
            }
            List<ReplayCase> mine = new ArrayList<>();
            List<JsonNode> inputs = new ArrayList<>();
            edits(c.input(), inputs::add);
            List<Map<String, String>> files = fileEdits(c.files());
            // the input's edits and the files' alternate: a case whose input only names a file is mostly about its data
            for (int i = 0; i < Math.max(inputs.size(), files.size()); i++) {
                if (i < inputs.size()) {
                    add(c, inputs.get(i), c.files(), seen, mine);
                }
                if (i < files.size()) {
                    add(c, c.input(), files.get(i), seen, mine);
                }
            }
            out.add(mine);
        }
        return out;
    }

    private static void add(ReplayCase c, JsonNode input, Map<String, String> files, Set<String> seen, List<ReplayCase> into) {
        if (into.size() >= PER_CASE || !seen.add(key(c.skill(), input, files))) {
            return;
        }
        into.add(new ReplayCase(c.id() + "~" + (into.size() + 1), c.skill(), input, Optional.empty(), Optional.of(OBSERVED), c.clock(),
                c.seed(), files, c.tolerance()));
    }

    private static String key(String skill, JsonNode input, Map<String, String> files) {
        return skill + "\u0000" + input + "\u0000" + new java.util.TreeMap<>(files);
    }

    /** Every single edit of a JSON value, passed to {@code out} as the whole edited value. */
    private static void edits(JsonNode value, java.util.function.Consumer<JsonNode> out) {
        if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                edits(field.getValue(), edited -> {
                    ObjectNode copy = ((ObjectNode) value).deepCopy();
                    copy.set(field.getKey(), edited);
                    out.accept(copy);
                });
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                ArrayNode copy = ((ArrayNode) value).deepCopy();
                copy.remove(i);
                out.accept(copy);
            }
            for (int i = 0; i < value.size(); i++) {
                int at = i;
                edits(value.get(i), edited -> {
                    ArrayNode copy = ((ArrayNode) value).deepCopy();
                    copy.set(at, edited);
                    out.accept(copy);
                });
            }
        } else if (value.isTextual()) {
            stringEdits(value.asText()).forEach(s -> out.accept(NODES.textNode(s)));
        } else if (value.isIntegralNumber()) {
            long v = value.asLong();
            for (long w : new long[] {0, 1, -1, v + 1, v - 1}) {
                if (w != v) {
                    out.accept(NODES.numberNode(w));
                }
            }
        } else if (value.isNumber()) {
            double v = value.asDouble();
            for (double w : new double[] {0, 1, -1, v + 1, v - 1}) {
                if (w != v) {
                    out.accept(NODES.numberNode(w));
                }
            }
        } else if (value.isBoolean()) {
            out.accept(NODES.booleanNode(!value.asBoolean()));
        }
    }

    /** List-item drops first, then number swaps, then single-token drops: the first are the likeliest to reach other code paths. */
    static List<String> stringEdits(String s) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            tokens.add(m.group());
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (isSeparator(tokens.get(i))) {
                out.add(join(tokens, i, itemEnd(tokens, i + 1)));
                out.add(join(tokens, itemStart(tokens, i - 1), i + 1));
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (Character.isDigit(tokens.get(i).charAt(0))) {
                for (String w : new String[] {"0", "1", "-1"}) {
                    if (!w.equals(tokens.get(i))) {
                        out.add(replace(tokens, i, w));
                    }
                }
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isBlank()) {
                out.add(join(tokens, i, i + 1));
            }
        }
        out.remove(s);
        return List.copyOf(out);
    }

    private static boolean isSeparator(String t) {
        return t.equals(",") || t.equals(";") || t.equals("|");
    }

    /** The end (exclusive) of the item starting at {@code from}: the next separator or closing bracket at its own depth. */
    private static int itemEnd(List<String> tokens, int from) {
        int depth = 0;
        for (int i = from; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (depth == 0 && (isSeparator(t) || ")]}".contains(t))) {
                return i;
            }
            depth += "([{".contains(t) ? 1 : ")]}".contains(t) ? -1 : 0;
        }
        return tokens.size();
    }

    /** The start of the item ending at {@code to} (inclusive): just after the previous separator or opening bracket at its depth. */
    private static int itemStart(List<String> tokens, int to) {
        int depth = 0;
        for (int i = to; i >= 0; i--) {
            String t = tokens.get(i);
            if (depth == 0 && (isSeparator(t) || "([{".contains(t))) {
                return i + 1;
            }
            depth += ")]}".contains(t) ? 1 : "([{".contains(t) ? -1 : 0;
        }
        return 0;
    }

    /** The tokens without those in [from, to). */
    private static String join(List<String> tokens, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            if (i < from || i >= to) {
                b.append(tokens.get(i));
            }
        }
        return b.toString();
    }

    private static String replace(List<String> tokens, int at, String with) {
        List<String> copy = new ArrayList<>(tokens);
        copy.set(at, with);
        return String.join("", copy);
    }

    /** Each workspace file without one of its lines (the first line of a file with a header is dropped too: that is an edit like any other). */
    private static List<Map<String, String>> fileEdits(Map<String, String> files) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
            List<String> lines = f.getValue().lines().toList();
            boolean endsWithBreak = f.getValue().endsWith("\n");
            for (int i = 0; i < lines.size() && lines.size() > 1; i++) {
                List<String> kept = new ArrayList<>(lines);
                kept.remove(i);
                Map<String, String> copy = new LinkedHashMap<>(files);
                copy.put(f.getKey(), String.join("\n", kept) + (endsWithBreak ? "\n" : ""));
                out.add(copy);
            }
        }
        return out;
    }
}
