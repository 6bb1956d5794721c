package dev.chrysalis.directory.osgi;

import java.util.ArrayList;
import java.util.List;

/**
 * An OSGi (RFC 1960) filter such as {@code (&(osgi.ee=JavaSE)(version=25))}, matched against the attributes of a
 * capability clause. Comparisons follow the attribute's declared type: {@code Version} and {@code Long} compare as
 * such, {@code List<...>} matches when any element does; an untyped {@code version} attribute compares as a version.
 */
public sealed interface LdapFilter {
    boolean matches(HeaderClause capability);

    record And(List<LdapFilter> parts) implements LdapFilter {
        public boolean matches(HeaderClause c) {
            return parts.stream().allMatch(p -> p.matches(c));
        }
    }

    record Or(List<LdapFilter> parts) implements LdapFilter {
        public boolean matches(HeaderClause c) {
            return parts.stream().anyMatch(p -> p.matches(c));
        }
    }

    record Not(LdapFilter part) implements LdapFilter {
        public boolean matches(HeaderClause c) {
            return !part.matches(c);
        }
    }

    /**
     * {@code op} is one of {@code = >= <= ~= =*} (presence) and {@code sub}, a value with wildcards, whose
     * {@code value} is then the equivalent regular expression.
     */
    record Compare(String attribute, String op, String value) implements LdapFilter {
        public boolean matches(HeaderClause c) {
            String actual = c.attributes().get(attribute);
            if (actual == null) {
                return false;
            }
            if (op.equals("=*")) {
                return true;
            }
            String type = c.type(attribute);
            boolean list = type.startsWith("List");
            String element = list ? type.substring(type.indexOf('<') + 1, type.length() - 1).strip() : type;
            List<String> values = list ? List.of(actual.split(",")) : List.of(actual);
            if (element.equals("String") && attribute.equals("version") && !c.types().containsKey(attribute)) {
                element = "Version";
            }
            for (String v : values) {
                if (compare(v.strip(), element)) {
                    return true;
                }
            }
            return false;
        }

        private boolean compare(String actual, String type) {
            if (op.equals("sub")) {
                return actual.matches(value);
            }
            int cmp;
            try {
                cmp = switch (type) {
                    case "Version" -> Version.parse(actual, attribute).compareTo(Version.parse(value, attribute));
                    case "Long" -> Long.compare(Long.parseLong(actual), Long.parseLong(value.strip()));
                    case "Double" -> Double.compare(Double.parseDouble(actual), Double.parseDouble(value.strip()));
                    default -> op.equals("~=") ? actual.replaceAll("\\s", "").compareToIgnoreCase(value.replaceAll("\\s", ""))
                            : actual.compareTo(value);
                };
            } catch (RuntimeException e) {
                return false;
            }
            return switch (op) {
                case ">=" -> cmp >= 0;
                case "<=" -> cmp <= 0;
                default -> cmp == 0;
            };
        }
    }

    /** @throws ManifestFormatException naming {@code where} and the filter */
    static LdapFilter parse(String filter, String where) {
        var p = new Parser(filter.strip(), where);
        LdapFilter f = p.filter();
        if (p.pos != p.s.length()) {
            throw p.error("text after the filter");
        }
        return f;
    }

    final class Parser {
        final String s;
        final String where;
        int pos;

        Parser(String s, String where) {
            this.s = s;
            this.where = where;
        }

        ManifestFormatException error(String what) {
            return new ManifestFormatException(where + ": filter '" + s + "': " + what + " at position " + pos);
        }

        LdapFilter filter() {
            skip();
            expect('(');
            skip();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            LdapFilter f;
            char c = s.charAt(pos);
            if (c == '&' || c == '|') {
                pos++;
                List<LdapFilter> parts = new ArrayList<>();
                skip();
                while (pos < s.length() && s.charAt(pos) == '(') {
                    parts.add(filter());
                    skip();
                }
                if (parts.isEmpty()) {
                    throw error("'" + c + "' without operands");
                }
                f = c == '&' ? new And(parts) : new Or(parts);
            } else if (c == '!') {
                pos++;
                f = new Not(filter());
                skip();
            } else {
                f = item();
            }
            expect(')');
            return f;
        }

        private LdapFilter item() {
            int start = pos;
            while (pos < s.length() && "=<>~()".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String attr = s.substring(start, pos).strip();
            if (attr.isEmpty()) {
                throw error("missing attribute name");
            }
            String op;
            if (s.startsWith(">=", pos) || s.startsWith("<=", pos) || s.startsWith("~=", pos)) {
                op = s.substring(pos, pos + 2);
                pos += 2;
            } else if (pos < s.length() && s.charAt(pos) == '=') {
                op = "=";
                pos++;
            } else {
                throw error("expected =, >=, <= or ~=");
            }
            StringBuilder value = new StringBuilder();
            StringBuilder regex = new StringBuilder();
            boolean wildcard = false;
            while (pos < s.length() && s.charAt(pos) != ')') {
                char ch = s.charAt(pos++);
                if (ch == '\\') {
                    if (pos >= s.length()) {
                        throw error("dangling escape");
                    }
                    regex.append(java.util.regex.Pattern.quote(String.valueOf(s.charAt(pos))));
                    value.append(s.charAt(pos++));
                } else if (ch == '(') {
                    throw error("unescaped '(' in a value");
                } else {
                    if (ch == '*') {
                        wildcard = true;
                        regex.append(".*");
                    } else {
                        regex.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
                    }
                    value.append(ch);
                }
            }
            String v = value.toString();
            if (op.equals("=") && wildcard && v.equals("*") && regex.toString().equals(".*")) {
                return new Compare(attr, "=*", "");
            }
            if (op.equals("=") && wildcard) {
                return new Compare(attr, "sub", regex.toString());
            }
            return new Compare(attr, op, v);
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }
}
