package dev.chrysalis.directory.index;

import dev.chrysalis.directory.osgi.HeaderClause;
import dev.chrysalis.directory.osgi.PackageExport;
import dev.chrysalis.directory.osgi.PackageImport;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes an index as an OSGi Repository document ({@code http://www.osgi.org/xmlns/repository/v1.0.0}), so bnd,
 * the Felix repository and other OSGi tools can read it: one resource per entry with its {@code osgi.identity},
 * {@code osgi.content} (SHA-256, url, size, mime) and {@code osgi.wiring.package} capabilities, its generic
 * Provide-Capability clauses, and a requirement per Import-Package and Require-Capability clause.
 */
public final class RepositoryXml {
    public static final String NAMESPACE = "http://www.osgi.org/xmlns/repository/v1.0.0";

    private RepositoryXml() {
    }

    public static String write(String name, Instant increment, List<IndexEntry> entries) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<repository xmlns=\"").append(NAMESPACE).append("\" name=\"").append(esc(name))
                .append("\" increment=\"").append(increment.toEpochMilli()).append("\">\n");
        for (IndexEntry e : entries) {
            x.append("  <resource>\n");
            capability(x, "osgi.identity", Map.of(), List.of(
                    attr("osgi.identity", null, e.id()), attr("type", null, "osgi.bundle"),
                    attr("version", "Version", e.version().toString()), attr("description", null, e.description())));
            capability(x, "osgi.content", Map.of(), List.of(
                    attr("osgi.content", null, e.sha256()), attr("url", null, e.location()),
                    attr("size", "Long", Long.toString(e.size())), attr("mime", null, "application/vnd.osgi.bundle")));
            capability(x, "osgi.wiring.bundle", Map.of(), List.of(attr("osgi.wiring.bundle", null, e.id()),
                    attr("bundle-version", "Version", e.version().toString())));
            for (PackageExport p : PackageExport.parse(String.join(",", e.exports()), e.coordinates())) {
                capability(x, "osgi.wiring.package", Map.of(), List.of(attr("osgi.wiring.package", null, p.packageName()),
                        attr("version", "Version", p.version().toString()), attr("bundle-symbolic-name", null, e.id()),
                        attr("bundle-version", "Version", e.version().toString())));
            }
            for (HeaderClause c : HeaderClause.parse(String.join(",", e.provides()), e.coordinates())) {
                capability(x, c.name(), c.directives(), c.attributes().entrySet().stream()
                        .map(a -> attr(a.getKey(), c.types().get(a.getKey()), a.getValue())).toList());
            }
            for (PackageImport p : PackageImport.parse(String.join(",", e.imports()), e.coordinates())) {
                String filter = p.range().equals(dev.chrysalis.directory.osgi.VersionRange.ANY)
                        ? "(osgi.wiring.package=" + p.packageName() + ")"
                        : "(&(osgi.wiring.package=" + p.packageName() + ")" + p.range().filter("version") + ")";
                x.append("    <requirement namespace=\"osgi.wiring.package\">\n");
                directive(x, "filter", filter);
                if (p.optional()) {
                    directive(x, "resolution", "optional");
                }
                x.append("    </requirement>\n");
            }
            for (HeaderClause c : HeaderClause.parse(String.join(",", e.requires()), e.coordinates())) {
                x.append("    <requirement namespace=\"").append(esc(c.name())).append("\">\n");
                c.directives().forEach((k, v) -> directive(x, k, v));
                x.append("    </requirement>\n");
            }
            x.append("  </resource>\n");
        }
        return x.append("</repository>\n").toString();
    }

    private record Attr(String name, String type, String value) {
    }

    private static Attr attr(String name, String type, String value) {
        return new Attr(name, type, value);
    }

    private static void capability(StringBuilder x, String ns, Map<String, String> directives, List<Attr> attrs) {
        x.append("    <capability namespace=\"").append(esc(ns)).append("\">\n");
        directives.forEach((k, v) -> directive(x, k, v));
        for (Attr a : attrs) {
            x.append("      <attribute name=\"").append(esc(a.name())).append('"');
            if (a.type() != null) {
                x.append(" type=\"").append(a.type()).append('"');
            }
            x.append(" value=\"").append(esc(a.value())).append("\"/>\n");
        }
        x.append("    </capability>\n");
    }

    private static void directive(StringBuilder x, String name, String value) {
        x.append("      <directive name=\"").append(esc(name)).append("\" value=\"").append(esc(value)).append("\"/>\n");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append("&#10;");
                case '\r' -> b.append("&#13;");
                case '\t' -> b.append("&#9;");
                default -> {
                    if (c < 0x20) {
                        b.append(' ');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
