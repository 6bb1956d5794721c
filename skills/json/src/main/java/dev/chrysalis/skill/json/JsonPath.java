package dev.chrysalis.skill.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A compiled JSONPath (the common subset): {@code $}, {@code .name}, {@code ['name']}, {@code [n]}, {@code [-n]},
 * {@code [*]}, {@code .*}, {@code ..}, {@code [start:end:step]}, unions {@code ['a','b']} / {@code [0,2]} and
 * filters {@code [?(@.price < 10 && @.tags)]} with {@code == != < <= > >= && || !} and parentheses.
 */
final class JsonPath {
    static final int MAX_LENGTH = 2_000;

    /** One node reached by the path, with its normalized location ({@code $['items'][0]['name']}). */
    record Match(String path, JsonNode value) {
    }

    sealed interface Selector {
    }

    record Name(String name) implements Selector {
    }

    record Index(int index) implements Selector {
    }

    record Wildcard() implements Selector {
    }

    record Slice(Optional<Integer> start, Optional<Integer> end, int step) implements Selector {
    }

    record Filter(Expr expr) implements Selector {
    }

    /** A step: its selectors (a union when several), applied to the current nodes or to all their descendants. */
    record Segment(List<Selector> selectors, boolean descendants) {
    }

    sealed interface Expr {
    }

    record Or(Expr left, Expr right) implements Expr {
    }

    record And(Expr left, Expr right) implements Expr {
    }

    record Not(Expr inner) implements Expr {
    }

    record Compare(Operand left, String op, Operand right) implements Expr {
    }

    record Exists(Operand operand) implements Expr {
    }

    sealed interface Operand {
    }

    record Literal(JsonNode value) implements Operand {
    }

    /** {@code @...} (relative to the element being filtered) or {@code $...} (from the document root). */
    record Query(boolean relative, List<Selector> steps) implements Operand {
    }

    private final String text;
    private final List<Segment> segments;

    JsonPath(String text, List<Segment> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
    }

    static JsonPath parse(String text) throws JsonPathException {
        if (text.length() > MAX_LENGTH) {
            throw new JsonPathException("path is " + text.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        return new JsonPathParser(text).parse();
    }

    String text() {
        return text;
    }

    List<Segment> segments() {
        return segments;
    }

    /** Every match in document order; stops after {@code limit} matches (the caller reports truncation). */
    List<Match> evaluate(JsonNode root, int limit) {
        List<Match> current = List.of(new Match("$", root));
        for (Segment segment : segments) {
            List<Match> next = new ArrayList<>();
            for (Match m : current) {
                if (segment.descendants()) {
                    descendantsOrSelf(m, d -> select(segment.selectors(), d, root, next, limit));
                } else {
                    select(segment.selectors(), m, root, next, limit);
                }
                if (next.size() >= limit) {
                    break;
                }
            }
            current = next;
        }
        return current.size() > limit ? current.subList(0, limit) : current;
    }

    private static void descendantsOrSelf(Match m, Consumer<Match> action) {
        action.accept(m);
        JsonNode v = m.value();
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                descendantsOrSelf(new Match(m.path() + nameStep(e.getKey()), e.getValue()), action);
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                descendantsOrSelf(new Match(m.path() + "[" + i + "]", v.get(i)), action);
            }
        }
    }

    private static void select(List<Selector> selectors, Match m, JsonNode root, List<Match> out, int limit) {
        JsonNode v = m.value();
        for (Selector s : selectors) {
            if (out.size() >= limit) {
                return;
            }
            switch (s) {
                case Name n -> {
                    if (v.isObject() && v.has(n.name())) {
                        out.add(new Match(m.path() + nameStep(n.name()), v.get(n.name())));
                    }
                }
                case Index ix -> {
                    if (v.isArray()) {
                        int i = ix.index() < 0 ? v.size() + ix.index() : ix.index();
                        if (i >= 0 && i < v.size()) {
                            out.add(new Match(m.path() + "[" + i + "]", v.get(i)));
                        }
                    }
                }
                case Wildcard w -> children(m, out::add);
                case Slice sl -> {
                    if (v.isArray()) {
                        slice(sl, v.size(), i -> out.add(new Match(m.path() + "[" + i + "]", v.get(i))));
                    }
                }
                case Filter f -> children(m, c -> {
                    if (test(f.expr(), c.value(), root)) {
                        out.add(c);
                    }
                });
            }
        }
    }

    private static void children(Match m, Consumer<Match> action) {
        JsonNode v = m.value();
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                action.accept(new Match(m.path() + nameStep(e.getKey()), e.getValue()));
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                action.accept(new Match(m.path() + "[" + i + "]", v.get(i)));
            }
        }
    }

    /** Python slice semantics: negative bounds count from the end, bounds are clamped, step may be negative. */
    static void slice(Slice s, int size, java.util.function.IntConsumer action) {
        int step = s.step();
        if (step > 0) {
            int start = clamp(s.start().orElse(0), size, 0, size);
            int end = clamp(s.end().orElse(size), size, 0, size);
            for (int i = start; i < end; i += step) {
                action.accept(i);
            }
        } else {
            int start = clamp(s.start().orElse(size - 1), size, -1, size - 1);
            int end = s.end().isPresent() ? clamp(s.end().get(), size, -1, size - 1) : -1;
            for (int i = start; i > end; i += step) {
                action.accept(i);
            }
        }
    }

    private static int clamp(int bound, int size, int lo, int hi) {
        long b = bound < 0 ? (long) size + bound : bound;
        return (int) Math.max(lo, Math.min(hi, b));
    }

    static String nameStep(String name) {
        return "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    // ---- filters

    private static boolean test(Expr e, JsonNode current, JsonNode root) {
        return switch (e) {
            case Or o -> test(o.left(), current, root) || test(o.right(), current, root);
            case And a -> test(a.left(), current, root) && test(a.right(), current, root);
            case Not n -> !test(n.inner(), current, root);
            case Exists x -> resolve(x.operand(), current, root).map(JsonPath::truthy).orElse(false);
            case Compare c -> compare(resolve(c.left(), current, root), c.op(), resolve(c.right(), current, root));
        };
    }

    /** An existence test passes for any present value except false and null ({@code [?(@.isbn)]}, {@code [?(@.active)]}). */
    private static boolean truthy(JsonNode v) {
        return !(v.isNull() || (v.isBoolean() && !v.asBoolean()));
    }

    private static Optional<JsonNode> resolve(Operand o, JsonNode current, JsonNode root) {
        return switch (o) {
            case Literal l -> Optional.of(l.value());
            case Query q -> {
                JsonNode v = q.relative() ? current : root;
                for (Selector s : q.steps()) {
                    v = switch (s) {
                        case Name n -> v.isObject() ? v.get(n.name()) : null;
                        case Index ix -> {
                            if (!v.isArray()) {
                                yield null;
                            }
                            int i = ix.index() < 0 ? v.size() + ix.index() : ix.index();
                            yield i >= 0 && i < v.size() ? v.get(i) : null;
                        }
                        default -> null; // the parser admits only names and indexes in filter queries
                    };
                    if (v == null) {
                        yield Optional.empty();
                    }
                }
                yield Optional.of(v);
            }
        };
    }

    /** Missing values equal only each other; numbers compare by value, strings by code unit; other types only by (in)equality. */
    static boolean compare(Optional<JsonNode> left, String op, Optional<JsonNode> right) {
        if (left.isEmpty() || right.isEmpty()) {
            boolean bothMissing = left.isEmpty() && right.isEmpty();
            return switch (op) {
                case "==" -> bothMissing;
                case "!=" -> !bothMissing;
                default -> false;
            };
        }
        JsonNode a = left.get();
        JsonNode b = right.get();
        Integer order = null;
        boolean equal;
        if (a.isNumber() && b.isNumber()) {
            BigDecimal x = a.decimalValue();
            BigDecimal y = b.decimalValue();
            order = x.compareTo(y);
            equal = order == 0;
        } else if (a.isTextual() && b.isTextual()) {
            order = a.asText().compareTo(b.asText());
            equal = order == 0;
        } else {
            equal = a.equals(b);
        }
        return switch (op) {
            case "==" -> equal;
            case "!=" -> !equal;
            case "<" -> order != null && order < 0;
            case "<=" -> order != null && order <= 0;
            case ">" -> order != null && order > 0;
            case ">=" -> order != null && order >= 0;
            default -> false;
        };
    }
}
