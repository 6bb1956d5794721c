package dev.chrysalis.host.runtime;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The plugins' persistent state under {@code <dataDir>/plugins/<symbolic-name>/}: {@code state.jsonl}, a journal
 * with one line per change holding the whole state (the live jar's digest and the digests rollback returns to,
 * most recent first), and {@code jars/<sha256>.jar} (every jar that was live, content-addressed). The last line
 * that parses is the state, so a line torn by a crash is skipped and the state before it holds. Appending a line
 * costs microseconds where replacing a file by rename costs milliseconds (ext4 flushes on rename), and a swap
 * waits for it. A swap made by another process (the CLI) takes effect at this process's next start. The journal
 * is compacted (rewritten to its last line, atomically) once it grows past {@value #COMPACT_AFTER_LINES} lines.
 */
final class PluginStore {
    private static final System.Logger LOG = System.getLogger(PluginStore.class.getName());
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    static final int MAX_HISTORY = 32;
    static final int COMPACT_AFTER_LINES = 500;
    private static final String JOURNAL = "state.jsonl";

    private final Path root;
    private final ObjectMapper json = new ObjectMapper();

    PluginStore(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The persisted state of one plugin. */
    record PluginState(String symbolicName, String live, List<String> history) {
        PluginState {
            Objects.requireNonNull(symbolicName, "symbolicName");
            Objects.requireNonNull(live, "live");
            history = List.copyOf(history);
        }

        PluginState swappedTo(String digest) {
            List<String> h = new ArrayList<>();
            h.add(live);
            h.addAll(history);
            return new PluginState(symbolicName, digest, h.subList(0, Math.min(h.size(), MAX_HISTORY)));
        }

        PluginState rolledBack() {
            return new PluginState(symbolicName, history.getFirst(), history.subList(1, history.size()));
        }
    }

    static void checkName(String symbolicName) throws BundleRejectedException {
        if (!SAFE_NAME.matcher(symbolicName).matches()) {
            throw new BundleRejectedException("Bundle-SymbolicName '" + symbolicName
                    + "' must be 1-200 letters, digits, dots, dashes or underscores");
        }
    }

    Path jarPath(String symbolicName, String digest) {
        return root.resolve(symbolicName).resolve("jars").resolve(digest + ".jar");
    }

    /** Stores the jar under its digest (no-op when already there); returns its path. */
    Path storeJar(BundleJar jar) throws IOException {
        Path target = jarPath(jar.symbolicName(), jar.digest());
        if (Files.isRegularFile(target) && Files.size(target) == jar.bytes().length) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), jar.digest(), ".tmp");
        Files.write(tmp, jar.bytes());
        move(tmp, target);
        return target;
    }

    Optional<PluginState> load(String symbolicName) {
        Path file = root.resolve(symbolicName).resolve(JOURNAL);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "plugin state " + file + " cannot be read (" + e.getMessage()
                    + "); using the shipped jar");
            return Optional.empty();
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = json.readTree(line);
                String live = node.path("live").asText("");
                if (live.isEmpty()) {
                    throw new IOException("no 'live' digest");
                }
                List<String> history = new ArrayList<>();
                node.path("history").forEach(h -> history.add(h.asText()));
                return Optional.of(new PluginState(symbolicName, live, history));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "plugin state " + file + " line " + (i + 1) + " is damaged ("
                        + e.getMessage() + "); using the line before it");
            }
        }
        LOG.log(System.Logger.Level.ERROR, "plugin state " + file + " has no readable line; using the shipped jar");
        return Optional.empty();
    }

    /** Symbolic names of every plugin with persisted state. */
    List<String> plugins() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(JOURNAL)))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin states in " + root, e);
        }
    }

    void save(PluginState state) throws IOException {
        Path dir = root.resolve(state.symbolicName());
        if (!Files.isDirectory(dir)) { // createDirectories on an existing folder throws and catches an exception
            Files.createDirectories(dir);
        }
        byte[] line = journalLine(state).getBytes(StandardCharsets.UTF_8);
        Path journal = dir.resolve(JOURNAL);
        long lines = Files.isRegularFile(journal) ? Files.size(journal) / Math.max(1, line.length) : 0;
        if (lines >= COMPACT_AFTER_LINES) {
            Path tmp = Files.createTempFile(dir, "state", ".tmp");
            Files.write(tmp, line);
            move(tmp, journal);
            return;
        }
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long end = channel.size();
            ByteBuffer buffer = ByteBuffer.wrap(line);
            if (end > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                channel.read(last, end - 1);
                if (last.get(0) != '\n') { // end a line torn by a crash, so ours stays whole
                    buffer = ByteBuffer.allocate(line.length + 1).put((byte) '\n').put(line).flip();
                }
            }
            while (buffer.hasRemaining()) {
                end += channel.write(buffer, end);
            }
        }
    }

    /**
     * The state as one JSON line, {@code {"symbolicName":..,"live":..,"history":[..]}}, written by hand: a swap
     * waits for it, and an ObjectMapper builds a serializer provider and a generator for every value it writes.
     */
    static String journalLine(PluginState state) {
        JsonStringEncoder quote = JsonStringEncoder.getInstance();
        StringBuilder line = new StringBuilder(128 + 68 * state.history().size());
        line.append("{\"symbolicName\":\"").append(quote.quoteAsString(state.symbolicName()))
                .append("\",\"live\":\"").append(quote.quoteAsString(state.live())).append("\",\"history\":[");
        for (int i = 0; i < state.history().size(); i++) {
            line.append(i == 0 ? "\"" : ",\"").append(quote.quoteAsString(state.history().get(i))).append('"');
        }
        return line.append("]}\n").toString();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
