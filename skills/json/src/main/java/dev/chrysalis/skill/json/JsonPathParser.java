package dev.chrysalis.skill.json;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Recursive-descent parser for {@link JsonPath}; errors name the 1-based position. */
final class JsonPathParser {
    private static final int MAX_DEPTH = 64;
    private final String s;
    private int pos;
    private int depth;

    JsonPathParser(String text) {
        this.s = text;
    }

    JsonPath parse() throws JsonPathException {
        skipSpaces();
        if (pos >= s.length()) {
            throw new JsonPathException("the path is empty; it must start with '$' (e.g. $.items[0].name)");
        }
        if (s.charAt(pos) != '$') {
            throw error("expected '$' (the document root) at the start");
        }
        pos++;
        List<JsonPath.Segment> segments = new ArrayList<>();
        while (true) {
            skipSpaces();
            if (pos >= s.length()) {
                break;
            }
            char c = s.charAt(pos);
            if (c == '.') {
                if (peek(1) == '.') {
                    pos += 2;
                    if (peek(0) == '[') {
                        segments.add(new JsonPath.Segment(bracket(), true));
                    } else {
                        segments.add(new JsonPath.Segment(List.of(dotSelector()), true));
                    }
                } else {
                    pos++;
                    segments.add(new JsonPath.Segment(List.of(dotSelector()), false));
                }
            } else if (c == '[') {
                segments.add(new JsonPath.Segment(bracket(), false));
            } else {
                throw error("unexpected '" + c + "'; expected '.', '..' or '['");
            }
        }
        return new JsonPath(s, segments);
    }

    private char peek(int ahead) {
        return pos + ahead < s.length() ? s.charAt(pos + ahead) : '\0';
    }

    private void skipSpaces() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private JsonPathException error(String what) {
        return new JsonPathException(what + " at position " + (pos + 1) + " in path '" + SkillInputs.abbreviate(s) + "'");
    }

    private JsonPath.Selector dotSelector() throws JsonPathException {
        if (peek(0) == '*') {
            pos++;
            return new JsonPath.Wildcard();
        }
        return new JsonPath.Name(name());
    }

    private String name() throws JsonPathException {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '$' || c >= 0x80) {
                pos++;
            } else {
                break;
            }
        }
        if (pos == start) {
            throw error(pos >= s.length() ? "expected a member name after '.' (end of path)" : "expected a member name, got '" + s.charAt(pos) + "'");
        }
        return s.substring(start, pos);
    }

    private List<JsonPath.Selector> bracket() throws JsonPathException {
        int open = pos;
        pos++; // '['
        skipSpaces();
        List<JsonPath.Selector> selectors = new ArrayList<>();
        if (peek(0) == '?') {
            pos++;
            skipSpaces();
            JsonPath.Expr expr;
            if (peek(0) == '(') {
                pos++;
                expr = orExpr();
                skipSpaces();
                expect(')', "to close the filter '?('");
            } else {
                expr = orExpr();
            }
            selectors.add(new JsonPath.Filter(expr));
        } else {
            selectors.add(bracketSelector());
            skipSpaces();
            while (peek(0) == ',') {
                pos++;
                skipSpaces();
                selectors.add(bracketSelector());
                skipSpaces();
            }
        }
        skipSpaces();
        if (pos >= s.length()) {
            pos = open;
            throw error("missing ']' to close '['");
        }
        expect(']', "to close '[' at position " + (open + 1));
        return selectors;
    }

    private void expect(char c, String why) throws JsonPathException {
        if (peek(0) != c) {
            throw error(pos >= s.length() ? "expected '" + c + "' " + why + " (end of path)"
                    : "expected '" + c + "' " + why + ", got '" + s.charAt(pos) + "'");
        }
        pos++;
    }

    private JsonPath.Selector bracketSelector() throws JsonPathException {
        char c = peek(0);
        if (c == '*') {
            pos++;
            return new JsonPath.Wildcard();
        }
        if (c == '\'' || c == '"') {
            return new JsonPath.Name(quoted());
        }
        if (c == '-' || c == ':' || Character.isDigit(c)) {
            Optional<Integer> start = c == ':' ? Optional.empty() : Optional.of(integer());
            skipSpaces();
            if (peek(0) != ':') {
                return new JsonPath.Index(start.orElseThrow());
            }
            pos++;
            skipSpaces();
            Optional<Integer> end = peek(0) == '-' || Character.isDigit(peek(0)) ? Optional.of(integer()) : Optional.empty();
            skipSpaces();
            int step = 1;
            if (peek(0) == ':') {
                pos++;
                skipSpaces();
                if (peek(0) == '-' || Character.isDigit(peek(0))) {
                    int at = pos;
                    step = integer();
                    if (step == 0) {
                        pos = at;
                        throw error("a slice step cannot be 0");
                    }
                }
            }
            return new JsonPath.Slice(start, end, step);
        }
        throw error(pos >= s.length() ? "expected a name, index, slice, '*' or filter inside '[' (end of path)"
                : "unexpected '" + c + "' inside '[' (expected 'name', an index, a slice, '*' or ?(filter))");
    }

    private int integer() throws JsonPathException {
        int start = pos;
        if (peek(0) == '-') {
            pos++;
        }
        while (Character.isDigit(peek(0))) {
            pos++;
        }
        String digits = s.substring(start, pos);
        if (digits.isEmpty() || digits.equals("-")) {
            pos = start;
            throw error("expected a whole number");
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("index " + digits + " is out of range");
        }
    }

    private String quoted() throws JsonPathException {
        char quote = s.charAt(pos);
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && pos < s.length()) {
                char n = s.charAt(pos++);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("incomplete \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        pos = start;
        throw error("unterminated string starting with " + quote);
    }

    // ---- filter expressions

    private JsonPath.Expr orExpr() throws JsonPathException {
        if (++depth > MAX_DEPTH) {
            throw error("the filter is nested too deeply");
        }
        JsonPath.Expr left = andExpr();
        skipSpaces();
        while (s.startsWith("||", pos)) {
            pos += 2;
            left = new JsonPath.Or(left, andExpr());
            skipSpaces();
        }
        depth--;
        return left;
    }

    private JsonPath.Expr andExpr() throws JsonPathException {
        JsonPath.Expr left = unaryExpr();
        skipSpaces();
        while (s.startsWith("&&", pos)) {
            pos += 2;
            left = new JsonPath.And(left, unaryExpr());
            skipSpaces();
        }
        return left;
    }

    private JsonPath.Expr unaryExpr() throws JsonPathException {
        skipSpaces();
        if (peek(0) == '!' && peek(1) != '=') {
            pos++;
            if (++depth > MAX_DEPTH) {
                throw error("the filter is nested too deeply");
            }
            JsonPath.Expr inner = unaryExpr();
            depth--;
            return new JsonPath.Not(inner);
        }
        if (peek(0) == '(') {
            int open = pos;
            pos++;
            JsonPath.Expr inner = orExpr();
            skipSpaces();
            if (pos >= s.length()) {
                pos = open;
                throw error("missing ')' to close '('");
            }
            if (peek(0) != ')') {
                throw error("expected ')' to close '(' at position " + (open + 1) + ", got '" + peek(0) + "'");
            }
            pos++;
            return inner;
        }
        JsonPath.Operand left = operand();
        skipSpaces();
        if (peek(0) == '=' && peek(1) != '=') {
            throw error("use '==' to compare for equality");
        }
        String op = operator();
        if (op == null) {
            if (left instanceof JsonPath.Literal) {
                throw error("expected a comparison operator (==, !=, <, <=, >, >=)");
            }
            return new JsonPath.Exists(left);
        }
        skipSpaces();
        return new JsonPath.Compare(left, op, operand());
    }

    private String operator() {
        for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
            if (s.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        return null;
    }

    private JsonPath.Operand operand() throws JsonPathException {
        skipSpaces();
        char c = peek(0);
        if (c == '@' || c == '$') {
            pos++;
            List<JsonPath.Selector> steps = new ArrayList<>();
            while (true) {
                if (peek(0) == '.' && peek(1) != '.') {
                    pos++;
                    if (peek(0) == '*') {
                        throw error("wildcards are not supported inside a filter");
                    }
                    steps.add(new JsonPath.Name(name()));
                } else if (peek(0) == '[') {
                    int open = pos;
                    pos++;
                    skipSpaces();
                    char q = peek(0);
                    if (q == '\'' || q == '"') {
                        steps.add(new JsonPath.Name(quoted()));
                    } else if (q == '-' || Character.isDigit(q)) {
                        steps.add(new JsonPath.Index(integer()));
                    } else {
                        throw error("only names and indexes may follow '" + c + "' inside a filter");
                    }
                    skipSpaces();
                    expect(']', "to close '[' at position " + (open + 1));
                } else if (peek(0) == '.') {
                    throw error("'..' is not supported inside a filter");
                } else {
                    break;
                }
            }
            return new JsonPath.Query(c == '@', steps);
        }
        if (c == '\'' || c == '"') {
            return new JsonPath.Literal(JsonNodeFactory.instance.textNode(quoted()));
        }
        if (c == '-' || Character.isDigit(c)) {
            int start = pos;
            if (c == '-') {
                pos++;
            }
            while (Character.isDigit(peek(0)) || peek(0) == '.' || peek(0) == 'e' || peek(0) == 'E'
                    || ((peek(0) == '+' || peek(0) == '-') && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E'))) {
                pos++;
            }
            try {
                return new JsonPath.Literal(JsonNodeFactory.instance.numberNode(new BigDecimal(s.substring(start, pos))));
            } catch (NumberFormatException e) {
                pos = start;
                throw error("malformed number '" + s.substring(start, Math.min(s.length(), start + 20)) + "'");
            }
        }
        for (String word : List.of("true", "false", "null")) {
            if (s.startsWith(word, pos) && !Character.isLetterOrDigit(peek(word.length()))) {
                pos += word.length();
                JsonNode v = switch (word) {
                    case "true" -> JsonNodeFactory.instance.booleanNode(true);
                    case "false" -> JsonNodeFactory.instance.booleanNode(false);
                    default -> JsonNodeFactory.instance.nullNode();
                };
                return new JsonPath.Literal(v);
            }
        }
        throw error(pos >= s.length() ? "expected a value in the filter (end of path)"
                : "unexpected '" + c + "' in the filter (expected @.field, a number, a 'string', true, false or null)");
    }
}
