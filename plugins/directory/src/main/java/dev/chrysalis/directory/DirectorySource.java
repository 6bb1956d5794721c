package dev.chrysalis.directory;

import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.index.IndexCodec;
import dev.chrysalis.directory.index.IndexEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where an index lives: a local file (a folder means its {@code index.json}) or an {@code http(s)://} URL read with
 * the JDK {@link HttpClient}. Bundle locations resolve against the index's URI, so a served folder works from
 * any host.
 */
public final class DirectorySource {
    /** No index or bundle larger than this is read. */
    public static final long MAX_BYTES = 256L * 1024 * 1024;
    private final URI index;
    private final HttpClient http;
    private final IndexCodec codec = new IndexCodec();

    public DirectorySource(URI index, HttpClient http) {
        this.index = index;
        this.http = http;
    }

    /**
     * {@code http://host:port/index.json}, {@code http://host:port/} (index.json added), a {@code .json} file, or a
     * directory folder (its {@code index.json}, even before anything is published there).
     */
    public static DirectorySource of(String where, HttpClient http) {
        if (where.startsWith("http://") || where.startsWith("https://")) {
            URI u = URI.create(where);
            if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().endsWith("/")) {
                u = u.resolve(u.getPath() == null || u.getPath().isEmpty() ? "/index.json" : "index.json");
            }
            return new DirectorySource(u, http);
        }
        Path p = Path.of(where.startsWith("file:") ? URI.create(where).getPath() : where).toAbsolutePath();
        if (Files.isDirectory(p) || !p.getFileName().toString().endsWith(".json")) {
            p = p.resolve("index.json");
        }
        return new DirectorySource(p.toUri(), http);
    }

    public URI uri() {
        return index;
    }

    public DirectoryIndex load() {
        return codec.read(get(index, MAX_BYTES, "index"), index.toString());
    }

    /** The URI a bundle location points at. */
    public URI locate(IndexEntry e) {
        return index.resolve(e.location());
    }

    /** The jar's bytes; never more than the entry's size plus one byte is kept, so an overlong jar fails its hash. */
    public byte[] fetch(IndexEntry e) {
        return get(locate(e), Math.min(MAX_BYTES, e.size() + 1), e.coordinates());
    }

    private byte[] get(URI uri, long limit, String what) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        try {
            switch (scheme) {
                case "file" -> {
                    try (InputStream in = Files.newInputStream(Path.of(uri))) {
                        return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
                    }
                }
                case "http", "https" -> {
                    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
                    HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = resp.body()) {
                        if (resp.statusCode() != 200) {
                            throw new DirectoryException(what + ": GET " + uri + " answered HTTP " + resp.statusCode());
                        }
                        return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
                    }
                }
                default -> throw new DirectoryException(what + ": cannot read " + uri + " (only file, http and https)");
            }
        } catch (IOException e) {
            throw new DirectoryException(what + ": cannot read " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectoryException(what + ": interrupted while reading " + uri, e);
        }
    }
}
