package dev.chrysalis.inference.constrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and canonical writer for schema documents (the inference module has no JSON
 * library at run time). Values: {@code Map<String,Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@link Num} (the literal's text), {@code Boolean}, {@link #NULL}.
 */
final class SchemaJson {

    /** JSON null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number kept as its literal text. */
    record Num(String text) {
        long asLong(String where) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new SchemaException(where + ": " + text + " is not an integer");
            }
        }
    }

    private final String s;
    private int p;

    private SchemaJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        SchemaJson r = new SchemaJson(text);
        r.ws();
        Object v = r.value(0);
        r.ws();
        if (r.p != text.length()) {
            throw r.error("unexpected text after the value");
        }
        return v;
    }

    private SchemaException error(String what) {
        return new SchemaException("schema JSON at offset " + p + ": " + what);
    }

    private void ws() {
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t' || s.charAt(p) == '\n' || s.charAt(p) == '\r')) {
            p++;
        }
    }

    private Object value(int depth) {
        if (depth > 64) {
            throw error("nested deeper than 64 levels");
        }
        if (p >= s.length()) {
            throw error("unexpected end of text");
        }
        char c = s.charAt(p);
        switch (c) {
            case '{' -> {
                p++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (peek('}')) {
                    p++;
                    return m;
                }
                while (true) {
                    ws();
                    if (!peek('"')) {
                        throw error("expected a property name");
                    }
                    String k = string();
                    ws();
                    expect(':');
                    ws();
                    if (m.put(k, value(depth + 1)) != null) {
                        throw error("duplicate property '" + k + "'");
                    }
                    ws();
                    if (peek(',')) {
                        p++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            case '[' -> {
                p++;
                List<Object> l = new ArrayList<>();
                ws();
                if (peek(']')) {
                    p++;
                    return l;
                }
                while (true) {
                    ws();
                    l.add(value(depth + 1));
                    ws();
                    if (peek(',')) {
                        p++;
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            case '"' -> {
                return string();
            }
            case 't' -> {
                word("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                word("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                word("null");
                return NULL;
            }
            default -> {
                int start = p;
                if (peek('-')) {
                    p++;
                }
                int digits = p;
                while (p < s.length() && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                if (p == digits || (s.charAt(digits) == '0' && p - digits > 1)) {
                    p = start;
                    throw error("expected a value");
                }
                if (peek('.')) {
                    p++;
                    int f = p;
                    while (p < s.length() && Character.isDigit(s.charAt(p))) {
                        p++;
                    }
                    if (p == f) {
                        throw error("expected digits after '.'");
                    }
                }
                if (peek('e') || peek('E')) {
                    p++;
                    if (peek('+') || peek('-')) {
                        p++;
                    }
                    int e = p;
                    while (p < s.length() && Character.isDigit(s.charAt(p))) {
                        p++;
                    }
                    if (p == e) {
                        throw error("expected exponent digits");
                    }
                }
                return new Num(s.substring(start, p));
            }
        }
    }

    private boolean peek(char c) {
        return p < s.length() && s.charAt(p) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        p++;
    }

    private void word(String w) {
        if (!s.startsWith(w, p)) {
            throw error("expected a value");
        }
        p += w.length();
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (p >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(p++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (p >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(p++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (p + 4 > s.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    p += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    /** Canonical JSON text (no whitespace, members in order, minimal string escapes). */
    static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb) {
        switch (v) {
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    quote((String) e.getKey(), sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(l.get(i), sb);
                }
                sb.append(']');
            }
            case String str -> quote(str, sb);
            case Num n -> sb.append(n.text());
            case Boolean b -> sb.append(b);
            default -> sb.append("null");
        }
    }

    static String quote(String str) {
        StringBuilder sb = new StringBuilder();
        quote(str, sb);
        return sb.toString();
    }

    private static void quote(String str, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
