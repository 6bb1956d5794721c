package dev.chrysalis.host.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.chrysalis.directory.DirectoryException;
import dev.chrysalis.directory.DirectorySource;
import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.server.DirectoryPage;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code GET /directory?q=words}: the plugin directory's search page over the configured index (a folder, a
 * {@code .json} file or an {@code http://} URL), read afresh on every request. A folder with nothing published
 * yet shows an empty directory; an index that cannot be read is a 502 naming it and the problem.
 */
final class DirectoryPageHandler implements HttpHandler {
    private final DirectorySource source;

    DirectoryPageHandler(DirectorySource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/directory") && !path.equals("/directory/")) {
                send(ex, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
                return;
            }
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            DirectoryIndex index;
            try {
                index = load();
            } catch (DirectoryException e) {
                send(ex, 502, "text/plain; charset=utf-8", "the directory index " + source.uri() + " cannot be read: "
                        + e.getMessage() + "\n");
                return;
            }
            String html = DirectoryPage.render(index, query(ex.getRequestURI().getRawQuery()), source.uri().toString());
            ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            send(ex, 200, "text/html; charset=utf-8", html);
        }
    }

    private DirectoryIndex load() {
        if (source.uri().getScheme().equals("file")) {
            Path file = Path.of(source.uri());
            if (!Files.exists(file)) {
                return DirectoryIndex.empty(file.toString());
            }
        }
        return source.load();
    }

    private static String query(String raw) {
        if (raw == null) {
            return "";
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals("q")) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return "";
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
