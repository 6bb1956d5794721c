package dev.chrysalis.governance.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTML building with escaping everywhere: every piece of data goes through {@link #esc}. */
final class Html {
    private static final Pattern JAVA_TOKEN = Pattern.compile(
            "(?<comment>//.*|/\\*.*?\\*/)|(?<string>\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*')"
                    + "|(?<keyword>\\b(?:abstract|boolean|break|byte|case|catch|char|class|continue|default|do|double|else|enum"
                    + "|extends|final|finally|float|for|if|implements|import|instanceof|int|interface|long|new|null|package"
                    + "|private|protected|public|record|return|sealed|short|static|super|switch|this|throw|throws|try|var|void"
                    + "|while|yield|true|false)\\b)|(?<number>\\b\\d[\\d_]*(?:\\.\\d+)?[lLfFdD]?\\b)");

    private Html() {
    }

    /** Escapes text for element content and quoted attribute values. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String page(String prefix, String title, String user, String csrf, String body) {
        String nav = user.isEmpty() ? "" : """
                <nav><a href="%1$s/candidates">Candidates</a> <a href="%1$s/promotions">Promotions</a> <a href="%1$s/audit">Audit log</a>
                <form class="inline" method="post" action="%1$s/logout"><input type="hidden" name="csrf" value="%2$s">
                <span id="who">%3$s</span> <button type="submit" id="sign-out">Sign out</button></form></nav>
                """.formatted(esc(prefix), esc(csrf), esc(user));
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s - Chrysalis governance</title>
                <link rel="stylesheet" href="%s/static/governance.css"></head>
                <body>%s<main><h1>%s</h1>
                %s</main></body></html>
                """.formatted(esc(title), esc(prefix), nav, esc(title), body);
    }

    /** A unified diff as a table of lines: added, removed, hunk headers, with Java tokens highlighted. */
    static String diff(String unified) {
        if (unified.isBlank()) {
            return "<p class=\"muted\">No source diff (first install, or the jars carry no sources).</p>";
        }
        StringBuilder sb = new StringBuilder("<pre class=\"diff\" id=\"diff\">");
        for (String line : unified.split("\n", -1)) {
            String cls;
            if (line.startsWith("+++") || line.startsWith("---")) {
                cls = "file";
            } else if (line.startsWith("@@")) {
                cls = "hunk";
            } else if (line.startsWith("+")) {
                cls = "add";
            } else if (line.startsWith("-")) {
                cls = "del";
            } else {
                cls = "ctx";
            }
            sb.append("<span class=\"").append(cls).append("\">");
            if (cls.equals("file") || cls.equals("hunk") || line.isEmpty()) {
                sb.append(esc(line));
            } else {
                sb.append(esc(line.substring(0, 1))).append(highlight(line.substring(1)));
            }
            sb.append("</span>\n");
        }
        return sb.append("</pre>").toString();
    }

    private static String highlight(String code) {
        StringBuilder sb = new StringBuilder();
        Matcher m = JAVA_TOKEN.matcher(code);
        int last = 0;
        while (m.find()) {
            sb.append(esc(code.substring(last, m.start())));
            String cls = m.group("comment") != null ? "c" : m.group("string") != null ? "s" : m.group("keyword") != null ? "k" : "n";
            sb.append("<span class=\"").append(cls).append("\">").append(esc(m.group())).append("</span>");
            last = m.end();
        }
        return sb.append(esc(code.substring(last))).toString();
    }
}
