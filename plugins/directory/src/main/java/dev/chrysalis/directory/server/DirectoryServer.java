package dev.chrysalis.directory.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.directory.DirectoryException;
import dev.chrysalis.directory.Publisher;
import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.index.IndexCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * Serves a directory folder over HTTP so several hosts share one directory: {@code GET /index.json},
 * {@code GET /repository.xml}, {@code GET /bundles/<file>.jar} and a search page at {@code GET /?q=words}, each
 * read from disk per request, so what a publisher adds is served at once. One virtual thread per exchange.
 */
public final class DirectoryServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DirectoryServer.class.getName());
    private static final Pattern BUNDLE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.jar");
    private final Path folder;
    private final HttpServer server;
    private final ExecutorService executor;
    private final IndexCodec codec = new IndexCodec();

    private DirectoryServer(Path folder, HttpServer server, ExecutorService executor) {
        this.folder = folder;
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code folder} on {@code host}:{@code port} (0 picks a free port). */
    public static DirectoryServer start(Path folder, String host, int port) {
        if (!Files.isDirectory(folder)) {
            throw new DirectoryException("cannot serve " + folder + ": not a folder");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new DirectoryException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        var s = new DirectoryServer(folder, server, executor);
        server.setExecutor(executor);
        server.createContext("/index.json", ex -> s.file(ex, folder.resolve(Publisher.INDEX), "application/json"));
        server.createContext("/repository.xml", ex -> s.file(ex, folder.resolve(Publisher.REPOSITORY), "application/xml"));
        server.createContext("/bundles/", s::bundle);
        server.createContext("/", s::root);
        server.start();
        LOG.log(System.Logger.Level.DEBUG, "serving directory " + folder + " at " + s.uri());
        return s;
    }

    /** {@code http://host:port/} */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "localhost" : a.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
    }

    public Path folder() {
        return folder;
    }

    private void root(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/")) {
            text(ex, 404, "not found: " + ex.getRequestURI().getPath() + "\n");
            return;
        }
        Path index = folder.resolve(Publisher.INDEX);
        DirectoryIndex loaded;
        try {
            loaded = Files.exists(index) ? codec.read(Files.readAllBytes(index), index.toString())
                    : DirectoryIndex.empty(index.toString());
        } catch (DirectoryException e) {
            text(ex, 500, "the index cannot be read: " + e.getMessage() + "\n");
            return;
        }
        String html = DirectoryPage.render(loaded, query(ex.getRequestURI().getRawQuery(), "q"), uri() + "index.json");
        try (ex) {
            byte[] b = html.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        }
    }

    static String query(String raw, String name) {
        if (raw == null) {
            return "";
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private void bundle(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/bundles/".length());
        if (!BUNDLE_NAME.matcher(name).matches()) {
            text(ex, 404, "no bundle '" + name + "'\n");
            return;
        }
        file(ex, folder.resolve(Publisher.BUNDLES).resolve(name), "application/vnd.osgi.bundle");
    }

    private void file(HttpExchange ex, Path file, String type) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            if (!Files.isRegularFile(file)) {
                byte[] body = ("not found: " + ex.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(404, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            byte[] body = Files.readAllBytes(file);
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(body.length));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        try (ex) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
