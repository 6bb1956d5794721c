package dev.chrysalis.directory.osgi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One clause of an OSGi manifest header: {@code name;attr=value;directive:=value}. Typed attributes
 * ({@code objectClass:List<String>="..."}) keep their type in {@link #types()}.
 *
 * @param text the clause as written (after unfolding), kept for display and for the index
 */
public record HeaderClause(String name, Map<String, String> attributes, Map<String, String> types,
                           Map<String, String> directives, String text) {
    public HeaderClause {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
        directives = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(directives));
    }

    /** An attribute's declared type ({@code String}, {@code Version}, {@code Long}, {@code List<Version>}, ...). */
    public String type(String attribute) {
        return types.getOrDefault(attribute, "String");
    }

    public Optional<String> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    public Optional<String> directive(String key) {
        return Optional.ofNullable(directives.get(key));
    }

    /**
     * Parses a whole header value. Several names may share parameters ({@code a;b;version=1}); each becomes its
     * own clause. Commas and semicolons inside double quotes do not split.
     *
     * @throws ManifestFormatException naming {@code where} and the clause
     */
    public static List<HeaderClause> parse(String value, String where) {
        List<HeaderClause> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String clause : split(value, ',', where)) {
            if (clause.isBlank()) {
                throw new ManifestFormatException(where + ": empty clause in '" + value + "'");
            }
            List<String> names = new ArrayList<>();
            Map<String, String> attrs = new LinkedHashMap<>();
            Map<String, String> dirs = new LinkedHashMap<>();
            Map<String, String> types = new LinkedHashMap<>();
            List<String> params = new ArrayList<>();
            for (String part : split(clause, ';', where)) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    if (!attrs.isEmpty() || !dirs.isEmpty()) {
                        throw new ManifestFormatException(where + ": '" + p + "' after the parameters of clause '" + clause.strip() + "'");
                    }
                    if (p.isEmpty()) {
                        throw new ManifestFormatException(where + ": empty name in clause '" + clause.strip() + "'");
                    }
                    names.add(p);
                    continue;
                }
                params.add(p);
                boolean directive = eq > 0 && p.charAt(eq - 1) == ':';
                String key = p.substring(0, directive ? eq - 1 : eq).strip();
                int colon = key.indexOf(':');
                String type = null;
                if (colon >= 0) {
                    type = key.substring(colon + 1).strip();
                    key = key.substring(0, colon).strip();
                }
                if (key.isEmpty()) {
                    throw new ManifestFormatException(where + ": parameter without a name in clause '" + clause.strip() + "'");
                }
                String val = unquote(p.substring(eq + 1).strip(), where);
                (directive ? dirs : attrs).put(key, val);
                if (type != null && !directive) {
                    types.put(key, type);
                }
            }
            if (names.isEmpty()) {
                throw new ManifestFormatException(where + ": clause '" + clause.strip() + "' has no name");
            }
            for (String n : names) {
                out.add(new HeaderClause(n, attrs, types, dirs, names.size() == 1 ? clause.strip()
                        : params.isEmpty() ? n : n + ";" + String.join(";", params)));
            }
        }
        return out;
    }

    private static String unquote(String v, String where) {
        if (v.startsWith("\"")) {
            if (v.length() < 2 || !v.endsWith("\"")) {
                throw new ManifestFormatException(where + ": unterminated quote in " + v);
            }
            return v.substring(1, v.length() - 1).replace("\\\"", "\"");
        }
        return v;
    }

    private static List<String> split(String s, char sep, String where) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new ManifestFormatException(where + ": unterminated quote in '" + s.strip() + "'");
        }
        out.add(cur.toString());
        return out;
    }
}
