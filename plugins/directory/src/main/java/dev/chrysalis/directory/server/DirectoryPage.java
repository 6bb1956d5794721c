package dev.chrysalis.directory.server;

import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.index.Scorecard;
import java.util.List;
import java.util.Locale;

/**
 * The directory's web page: a search box and, for the matching bundles (newest version of each), their tier,
 * summary, scorecard, publisher key and digest; broken index entries are listed under the table. Plain HTML,
 * no scripts; the host's web UI can embed {@link #render} on its own route.
 */
public final class DirectoryPage {
    private DirectoryPage() {
    }

    public static String render(DirectoryIndex index, String query, String indexUrl) {
        List<IndexEntry> hits = index.search(query);
        StringBuilder h = new StringBuilder("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Chrysalis plugin directory</title>
                <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
                td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
                code{font-size:12px}.problem{color:#a00}</style></head><body>
                <h1>Plugin directory</h1>
                """);
        h.append("<form method=\"get\" action=\"/\"><input type=\"search\" name=\"q\" value=\"").append(esc(query))
                .append("\" placeholder=\"search skills\" autofocus> <button>Search</button></form>\n");
        h.append("<p>").append(hits.size()).append(" of ").append(index.latestOfEach().size())
                .append(" bundles. Index: <a href=\"").append(esc(indexUrl)).append("\"><code>").append(esc(indexUrl))
                .append("</code></a> &middot; <a href=\"/repository.xml\">OSGi repository</a></p>\n");
        h.append("<table><tr><th>Bundle</th><th>Version</th><th>Tier</th><th>Summary</th><th>Scorecard</th>"
                + "<th>Publisher</th><th>SHA-256</th></tr>\n");
        for (IndexEntry e : hits) {
            h.append("<tr><td><strong>").append(esc(e.name())).append("</strong><br><code>").append(esc(e.id()))
                    .append("</code></td><td>").append(esc(e.version().toString())).append("</td><td>")
                    .append(esc(e.trustTier())).append("</td><td>")
                    .append(esc(e.summary().isBlank() ? e.description() : e.summary())).append("</td><td>")
                    .append(esc(scorecard(e.scorecard()))).append("</td><td><code>").append(esc(e.publisherKeyId()))
                    .append("</code></td><td><a href=\"").append(esc(e.location())).append("\"><code>")
                    .append(esc(e.sha256().substring(0, 12))).append("</code></a></td></tr>\n");
        }
        h.append("</table>\n");
        if (hits.isEmpty()) {
            h.append("<p>Nothing matches.</p>\n");
        }
        if (!index.problems().isEmpty()) {
            h.append("<h2>Entries that do not load</h2><ul>\n");
            index.problems().forEach(p -> h.append("<li class=\"problem\">").append(esc(p.toString())).append("</li>\n"));
            h.append("</ul>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    static String scorecard(Scorecard s) {
        String replay = s.replayCases().isPresent() ? s.replayCases().getAsInt() + " replay cases" : "no replay cases";
        if (s.passRate().isPresent()) {
            replay += String.format(Locale.ROOT, ", %.0f%% pass", s.passRate().getAsDouble() * 100);
        }
        return replay + "; scan " + s.scan().verdict() + (s.scan().used().isEmpty() ? "" : " (uses "
                + String.join(", ", s.scan().used()) + ")") + (s.lineage().isEmpty() ? ""
                : "; from evidence " + String.join(", ", s.lineage()));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
