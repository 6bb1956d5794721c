package dev.chrysalis.governance.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small YAML subset policy files are written in: {@code key: value} pairs nested by indentation (spaces),
 * lists as {@code - item} lines or inline {@code [a, b]}, {@code #} comments, optional double quotes.
 * Every node remembers its line so errors can name it.
 */
sealed interface PolicyTree {
    int line();

    record Scalar(String text, int line) implements PolicyTree {
    }

    record Sequence(List<Scalar> items, int line) implements PolicyTree {
    }

    record Mapping(Map<String, PolicyTree> entries, Map<String, Integer> keyLines, int line) implements PolicyTree {
    }

    static Mapping parse(String text, String source) {
        List<Line> lines = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String content = stripComment(raw[i], source, i + 1);
            if (content.isBlank()) {
                continue;
            }
            int indent = 0;
            while (indent < content.length() && content.charAt(indent) == ' ') {
                indent++;
            }
            if (content.charAt(indent) == '\t') {
                throw new PolicyFormatException(source + " line " + (i + 1) + ": indent with spaces, not tabs");
            }
            lines.add(new Line(i + 1, indent, content.strip()));
        }
        var cursor = new int[] {0};
        Mapping root = parseMapping(lines, cursor, 0, 1, source, "");
        if (cursor[0] < lines.size()) {
            Line l = lines.get(cursor[0]);
            throw new PolicyFormatException(source + " line " + l.number + ": unexpected indentation");
        }
        return root;
    }

    record Line(int number, int indent, String text) {
    }

    private static Mapping parseMapping(List<Line> lines, int[] cursor, int indent, int startLine, String source, String path) {
        Map<String, PolicyTree> entries = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        while (cursor[0] < lines.size()) {
            Line l = lines.get(cursor[0]);
            if (l.indent < indent) {
                break;
            }
            if (l.indent > indent) {
                throw new PolicyFormatException(source + " line " + l.number + ": unexpected indentation"
                        + (path.isEmpty() ? "" : " under '" + path + "'"));
            }
            if (l.text.startsWith("- ") || l.text.equals("-")) {
                throw new PolicyFormatException(source + " line " + l.number + ": a list item here needs a key above it"
                        + (path.isEmpty() ? "" : " (inside '" + path + "')"));
            }
            int colon = l.text.indexOf(':');
            if (colon <= 0) {
                throw new PolicyFormatException(source + " line " + l.number + ": expected 'key: value', got '" + l.text + "'");
            }
            String key = unquote(l.text.substring(0, colon).strip());
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (entries.containsKey(key)) {
                throw new PolicyFormatException(source + " line " + l.number + ": key '" + keyPath
                        + "' repeats the one on line " + keyLines.get(key));
            }
            String value = l.text.substring(colon + 1).strip();
            cursor[0]++;
            PolicyTree node;
            if (!value.isEmpty()) {
                node = value.startsWith("[") ? inlineList(value, l.number, source, keyPath) : new Scalar(unquote(value), l.number);
            } else if (cursor[0] < lines.size() && lines.get(cursor[0]).indent > indent) {
                Line next = lines.get(cursor[0]);
                node = next.text.startsWith("-")
                        ? parseSequence(lines, cursor, next.indent, l.number, source, keyPath)
                        : parseMapping(lines, cursor, next.indent, l.number, source, keyPath);
            } else {
                node = new Mapping(Map.of(), Map.of(), l.number);
            }
            entries.put(key, node);
            keyLines.put(key, l.number);
        }
        return new Mapping(entries, keyLines, startLine);
    }

    private static Sequence parseSequence(List<Line> lines, int[] cursor, int indent, int startLine, String source, String path) {
        List<Scalar> items = new ArrayList<>();
        while (cursor[0] < lines.size()) {
            Line l = lines.get(cursor[0]);
            if (l.indent < indent) {
                break;
            }
            if (l.indent > indent || !(l.text.startsWith("- ") || l.text.equals("-"))) {
                throw new PolicyFormatException(source + " line " + l.number + ": key '" + path
                        + "' is a list; every line in it must start with '- ' at the same indentation");
            }
            String item = l.text.substring(1).strip();
            if (item.isEmpty()) {
                throw new PolicyFormatException(source + " line " + l.number + ": empty list item in '" + path + "'");
            }
            items.add(new Scalar(unquote(item), l.number));
            cursor[0]++;
        }
        return new Sequence(items, startLine);
    }

    private static Sequence inlineList(String value, int line, String source, String path) {
        if (!value.endsWith("]")) {
            throw new PolicyFormatException(source + " line " + line + ": key '" + path + "': a list opened with '[' must close with ']' on the same line");
        }
        String body = value.substring(1, value.length() - 1);
        List<Scalar> items = new ArrayList<>();
        if (!body.isBlank()) {
            for (String part : body.split(",")) {
                if (part.isBlank()) {
                    throw new PolicyFormatException(source + " line " + line + ": key '" + path + "': empty list item");
                }
                items.add(new Scalar(unquote(part.strip()), line));
            }
        }
        return new Sequence(items, line);
    }

    private static String stripComment(String line, String source, int number) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        if (quoted) {
            throw new PolicyFormatException(source + " line " + number + ": unclosed double quote");
        }
        return line;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
