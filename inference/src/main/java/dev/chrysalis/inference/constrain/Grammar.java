package dev.chrysalis.inference.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiled form of a schema and the byte-level pushdown matcher that runs it.
 *
 * <p>A matcher state is an immutable stack of {@link Frame}s (top first); a frame knows what bytes it accepts
 * next and what it becomes. Because states are immutable, one state can be stepped along many byte paths
 * (a token trie) without copying, and alternatives ({@code anyOf}, optional properties) are simply several
 * states held side by side. The empty stack is a complete value.
 *
 * <p>Output is canonical JSON: no whitespace, object properties in schema order (optional ones may be
 * skipped), numbers {@code -?(0|[1-9]d*)(.d+)?} with at most {@value #MAX_DIGITS} digits before and after the
 * point, strings with backslash escapes of quote, backslash, slash, b, f, n, r, t and u00XX and well-formed UTF-8.
 */
final class Grammar {

    static final int MAX_DIGITS = 15;

    private Grammar() {
    }

    /** An immutable stack of frames; {@link #EMPTY} is a finished value. */
    record Stack(Frame head, Stack tail) {
        static final Stack EMPTY = new Stack(null, null);

        boolean isEmpty() {
            return head == null;
        }

        Stack push(Frame f) {
            return new Stack(f, this);
        }

        int depth() {
            int d = 0;
            for (Stack s = this; !s.isEmpty(); s = s.tail) {
                d++;
            }
            return d;
        }
    }

    /** Collects the successor states of one step, without duplicates. */
    static final class Out {
        final List<Stack> states = new ArrayList<>(2);

        void add(Stack s) {
            for (int i = 0; i < states.size(); i++) {
                if (states.get(i) == s || states.get(i).equals(s)) {
                    return;
                }
            }
            states.add(s);
        }
    }

    /** Steps a single state by one byte. */
    static void step(Stack s, int b, Out out) {
        if (!s.isEmpty()) {
            s.head().step(s.tail(), b, out);
        }
    }

    /** True if the state could end here (finished, or only a number that may stop at this point is open). */
    static boolean canEnd(Stack s) {
        return s.isEmpty() || (s.head().canEnd() && s.tail().isEmpty());
    }

    // ---------------------------------------------------------------- schema nodes

    /** A compiled schema: pushes the frames that match one value of it. */
    sealed interface Node permits Literals, StringNode, NumberNode, ObjectNode, ArrayNode, AnyOf, AnyValue {
        void expand(Stack rest, List<Stack> out);
    }

    /** One of several exact texts (enum, const, boolean, null). */
    record Literals(List<byte[]> texts) implements Node {
        static Literals of(String... texts) {
            List<byte[]> l = new ArrayList<>();
            for (String t : texts) {
                l.add(t.getBytes(StandardCharsets.UTF_8));
            }
            return new Literals(List.copyOf(l));
        }

        @Override
        public void expand(Stack rest, List<Stack> out) {
            for (byte[] t : texts) {
                out.add(rest.push(new Lit(t, 0)));
            }
        }
    }

    record StringNode(int minLength, int maxLength) implements Node {
        @Override
        public void expand(Stack rest, List<Stack> out) {
            out.add(rest.push(new Str(this, 0, Str.OPEN, 0, 0, 0)));
        }
    }

    record NumberNode(boolean integer) implements Node {
        @Override
        public void expand(Stack rest, List<Stack> out) {
            out.add(rest.push(new Num(integer, Num.START, 0)));
        }
    }

    /** An object whose properties appear in declaration order; {@code keys[i]} is {@code "name":}. */
    record ObjectNode(List<String> names, List<byte[]> keys, List<Node> values, boolean[] required) implements Node {
        @Override
        public void expand(Stack rest, List<Stack> out) {
            out.add(rest.push(new ObjOpen(this)));
        }

        boolean restOptional(int from) {
            for (int i = from; i < required.length; i++) {
                if (required[i]) {
                    return false;
                }
            }
            return true;
        }

        /** States for each property that may come next at {@code from} (up to and including the first required one). */
        void nextProperties(int from, Stack rest, Out out) {
            for (int j = from; j < names.size(); j++) {
                out.add(rest.push(new ObjAfter(this, j + 1)).push(new Pending(values.get(j))).push(new Lit(keys.get(j), 0)));
                if (required[j]) {
                    return;
                }
            }
        }
    }

    record ArrayNode(Node items, int minItems, int maxItems) implements Node {
        @Override
        public void expand(Stack rest, List<Stack> out) {
            out.add(rest.push(new ArrOpen(this)));
        }
    }

    record AnyOf(List<Node> options) implements Node {
        @Override
        public void expand(Stack rest, List<Stack> out) {
            for (Node n : options) {
                n.expand(rest, out);
            }
        }
    }

    /** Any JSON value (nesting limited to {@code depth}); strings up to {@code maxString} characters. */
    record AnyValue(int depth, int maxString) implements Node {
        private static final Literals SCALARS = Literals.of("true", "false", "null");

        @Override
        public void expand(Stack rest, List<Stack> out) {
            out.add(rest.push(new Str(new StringNode(0, maxString), 0, Str.OPEN, 0, 0, 0)));
            out.add(rest.push(new Num(false, Num.START, 0)));
            SCALARS.expand(rest, out);
            if (depth > 0) {
                out.add(rest.push(new AnyObj(this, true)));
                out.add(rest.push(new AnyArr(this, true)));
            }
        }
    }

    // ---------------------------------------------------------------- frames

    sealed interface Frame permits Lit, Pending, Str, Num, ObjOpen, ObjAfter, ArrOpen, ArrAfter, AnyObj, AnyArr {
        void step(Stack rest, int b, Out out);

        default boolean canEnd() {
            return false;
        }
    }

    /** Exact bytes; {@code pos} is the next one expected. */
    record Lit(byte[] bytes, int pos) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            if ((bytes[pos] & 0xFF) == b) {
                out.add(pos + 1 == bytes.length ? rest : rest.push(new Lit(bytes, pos + 1)));
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Lit l && l.bytes == bytes && l.pos == pos;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(bytes) * 31 + pos;
        }
    }

    /** A value not yet begun: expanded lazily on its first byte, so alternatives cost nothing until then. */
    record Pending(Node node) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            List<Stack> starts = new ArrayList<>(4);
            node.expand(rest, starts);
            for (Stack s : starts) {
                Grammar.step(s, b, out);
            }
        }
    }

    /** A JSON string: opening quote, body (counting characters), escapes and UTF-8 continuation bytes. */
    record Str(StringNode node, int count, int phase, int need, int lo, int hi) implements Frame {
        static final int OPEN = 0;
        static final int BODY = 1;
        static final int ESCAPE = 2;
        static final int UNICODE = 3;
        static final int UTF8 = 4;
        /** {@link #next} result: no string continues with this byte. */
        static final long DEAD = -1;
        /** {@link #next} result: the byte was the closing quote. */
        static final long CLOSED = -2;

        /** This frame's position packed into a long (see {@link #next}). */
        long packed() {
            return pack(count, phase, need, lo, hi);
        }

        static long pack(int count, int phase, int need, int lo, int hi) {
            return ((long) count << 24) | ((long) hi << 16) | ((long) lo << 8) | ((long) need << 4) | phase;
        }

        static Str unpack(StringNode node, long p) {
            return new Str(node, (int) (p >>> 24), (int) (p & 0xF), (int) ((p >>> 4) & 0xF), (int) ((p >>> 8) & 0xFF), (int) ((p >>> 16) & 0xFF));
        }

        /**
         * The string automaton on packed positions, allocation-free so a vocabulary walk inside a string is
         * cheap: the next packed position after byte {@code b}, {@link #DEAD} or {@link #CLOSED}.
         */
        static long next(long p, int b, int minLength, int maxLength) {
            int phase = (int) (p & 0xF);
            int need = (int) ((p >>> 4) & 0xF);
            int count = (int) (p >>> 24);
            switch (phase) {
                case OPEN:
                    return b == '"' ? pack(0, BODY, 0, 0, 0) : DEAD;
                case BODY:
                    if (b == '"') {
                        return count >= minLength ? CLOSED : DEAD;
                    }
                    if (b < 0x20 || count >= maxLength) {
                        return DEAD;
                    }
                    // an unbounded string only needs to know whether minLength is reached: equal states then compare equal
                    int c = maxLength == Integer.MAX_VALUE && count >= minLength ? count : count + 1;
                    if (b == '\\') {
                        return pack(c, ESCAPE, 0, 0, 0);
                    } else if (b < 0x80) {
                        return pack(c, BODY, 0, 0, 0);
                    } else if (b >= 0xC2 && b <= 0xDF) {
                        return pack(c, UTF8, 1, 0x80, 0xBF);
                    } else if (b == 0xE0) {
                        return pack(c, UTF8, 2, 0xA0, 0xBF);
                    } else if (b == 0xED) {
                        return pack(c, UTF8, 2, 0x80, 0x9F);
                    } else if (b >= 0xE1 && b <= 0xEF) {
                        return pack(c, UTF8, 2, 0x80, 0xBF);
                    } else if (b == 0xF0) {
                        return pack(c, UTF8, 3, 0x90, 0xBF);
                    } else if (b >= 0xF1 && b <= 0xF3) {
                        return pack(c, UTF8, 3, 0x80, 0xBF);
                    } else if (b == 0xF4) {
                        return pack(c, UTF8, 3, 0x80, 0x8F);
                    }
                    return DEAD;
                case ESCAPE:
                    if (b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' || b == 't') {
                        return pack(count, BODY, 0, 0, 0);
                    }
                    return b == 'u' ? pack(count, UNICODE, 4, 0, 0) : DEAD;
                case UNICODE: {
                    // only u00XX escapes: enough for control characters, never a lone surrogate
                    boolean ok = need > 2 ? b == '0' : (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
                    if (!ok) {
                        return DEAD;
                    }
                    return need == 1 ? pack(count, BODY, 0, 0, 0) : pack(count, UNICODE, need - 1, 0, 0);
                }
                default: {
                    int lo = (int) ((p >>> 8) & 0xFF);
                    int hi = (int) ((p >>> 16) & 0xFF);
                    if (b < lo || b > hi) {
                        return DEAD;
                    }
                    return need == 1 ? pack(count, BODY, 0, 0, 0) : pack(count, UTF8, need - 1, 0x80, 0xBF);
                }
            }
        }

        @Override
        public void step(Stack rest, int b, Out out) {
            long n = next(packed(), b, node.minLength(), node.maxLength());
            if (n == CLOSED) {
                out.add(rest);
            } else if (n != DEAD) {
                out.add(rest.push(unpack(node, n)));
            }
        }
    }

    /** A number; it has no closing byte, so when it may end, the next byte is also offered to the frame below. */
    record Num(boolean integer, int phase, int digits) implements Frame {
        static final int START = 0;
        static final int MINUS = 1;
        static final int ZERO = 2;
        static final int INT = 3;
        static final int DOT = 4;
        static final int FRAC = 5;

        @Override
        public boolean canEnd() {
            return phase == ZERO || phase == INT || phase == FRAC;
        }

        @Override
        public void step(Stack rest, int b, Out out) {
            boolean digit = b >= '0' && b <= '9';
            switch (phase) {
                case START, MINUS -> {
                    if (b == '-' && phase == START) {
                        out.add(rest.push(new Num(integer, MINUS, 0)));
                    } else if (b == '0') {
                        out.add(rest.push(new Num(integer, ZERO, 1)));
                    } else if (digit) {
                        out.add(rest.push(new Num(integer, INT, 1)));
                    }
                }
                case ZERO, INT -> {
                    if (digit && phase == INT && digits < MAX_DIGITS) {
                        out.add(rest.push(new Num(integer, INT, digits + 1)));
                    } else if (b == '.' && !integer) {
                        out.add(rest.push(new Num(integer, DOT, 0)));
                    }
                }
                case DOT, FRAC -> {
                    if (digit && digits < MAX_DIGITS) {
                        out.add(rest.push(new Num(integer, FRAC, digits + 1)));
                    }
                }
                default -> throw new IllegalStateException("number phase " + phase);
            }
            if (canEnd()) {
                Grammar.step(rest, b, out);
            }
        }
    }

    record ObjOpen(ObjectNode node) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            if (b != '{') {
                return;
            }
            node.nextProperties(0, rest, out);
            if (node.restOptional(0)) {
                out.add(rest.push(new Lit(CLOSE_BRACE, 0)));
            }
        }
    }

    private static final byte[] CLOSE_BRACE = {'}'};
    private static final byte[] CLOSE_BRACKET = {']'};
    private static final byte[] COLON = {':'};
    private static final StringNode KEY = new StringNode(1, 64);

    /** After property {@code next - 1}'s value: a comma and a later property, or the closing brace. */
    record ObjAfter(ObjectNode node, int next) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            if (b == ',') {
                node.nextProperties(next, rest, out);
            } else if (b == '}' && node.restOptional(next)) {
                out.add(rest);
            }
        }
    }

    record ArrOpen(ArrayNode node) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            if (b != '[') {
                return;
            }
            if (node.minItems() == 0) {
                out.add(rest.push(new Lit(CLOSE_BRACKET, 0)));
            }
            if (node.maxItems() > 0) {
                out.add(rest.push(new ArrAfter(node, 1)).push(new Pending(node.items())));
            }
        }
    }

    /** After {@code count} items: a comma and another item, or the closing bracket. */
    record ArrAfter(ArrayNode node, int count) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            if (b == ',' && count < node.maxItems()) {
                out.add(rest.push(new ArrAfter(node, count + 1)).push(new Pending(node.items())));
            } else if (b == ']' && count >= node.minItems()) {
                out.add(rest);
            }
        }
    }

    /** Free-form object of {@link AnyValue}: {@code open} before the brace, else after a member. */
    record AnyObj(AnyValue of, boolean open) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            AnyValue inner = new AnyValue(of.depth() - 1, of.maxString());
            Stack member = rest.push(new AnyObj(of, false)).push(new Pending(inner)).push(new Lit(COLON, 0))
                    .push(new Str(KEY, 0, Str.OPEN, 0, 0, 0));
            if (open) {
                if (b == '{') {
                    out.add(rest.push(new Lit(CLOSE_BRACE, 0)));
                    out.add(member);
                }
            } else if (b == ',') {
                out.add(member);
            } else if (b == '}') {
                out.add(rest);
            }
        }
    }

    /** Free-form array of {@link AnyValue}. */
    record AnyArr(AnyValue of, boolean open) implements Frame {
        @Override
        public void step(Stack rest, int b, Out out) {
            AnyValue inner = new AnyValue(of.depth() - 1, of.maxString());
            if (open) {
                if (b == '[') {
                    out.add(rest.push(new Lit(CLOSE_BRACKET, 0)));
                    out.add(rest.push(new AnyArr(of, false)).push(new Pending(inner)));
                }
            } else if (b == ',') {
                out.add(rest.push(new AnyArr(of, false)).push(new Pending(inner)));
            } else if (b == ']') {
                out.add(rest);
            }
        }
    }
}
