package dev.chrysalis.host.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.directory.DirectoryException;
import dev.chrysalis.directory.install.FolderPluginInstaller;
import dev.chrysalis.directory.install.InstalledBundle;
import dev.chrysalis.directory.install.PluginInstaller;
import dev.chrysalis.host.runtime.PluginInfo;
import dev.chrysalis.host.runtime.PluginOperationException;
import dev.chrysalis.host.runtime.PluginRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory's {@link PluginInstaller} for the host: the directory's own bookkeeping
 * ({@link FolderPluginInstaller}: the jar and {@code directory-installed.json} in {@code <data dir>/plugins}),
 * and then the plugin runtime:
 * <ul>
 *   <li>with a running runtime in which a plugin of that symbolic name is live: a hot swap to the installed jar
 *       (the runtime records it, so it stays live after a restart); removing it rolls it back when it has a
 *       previous version;</li>
 *   <li>otherwise (a new plugin, or no runtime running, as for {@code ./chrysalis directory install}): the jar is
 *       recorded as the plugin's live version in the runtime's plugin state
 *       ({@code <data dir>/plugins/<symbolic-name>/state.jsonl} and {@code jars/<sha256>.jar}), which the runtime
 *       starts at its next start; removing it drops that record (back to the previous version, or none).</li>
 * </ul>
 * The runtime installs new plugins only at start, hence the second case.
 */
public final class RuntimePluginInstaller implements PluginInstaller {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final FolderPluginInstaller folder;
    private final Path pluginsRoot;
    private final Optional<PluginRuntime> runtime;
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> notes = new ArrayList<>();

    /** @param pluginsRoot {@code <data dir>/plugins}; @param runtime the running runtime of that data dir, if any */
    public RuntimePluginInstaller(Path pluginsRoot, Optional<PluginRuntime> runtime) {
        this.pluginsRoot = Objects.requireNonNull(pluginsRoot, "pluginsRoot");
        this.folder = new FolderPluginInstaller(pluginsRoot);
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /** What the last changes did to the runtime, one line each (for the user). */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public List<InstalledBundle> installed() {
        return folder.installed();
    }

    @Override
    public synchronized void install(InstalledBundle bundle, byte[] jar) {
        folder.install(bundle, jar);
        goLive(bundle);
    }

    @Override
    public synchronized void replace(InstalledBundle old, InstalledBundle replacement, byte[] jar, List<String> refresh) {
        folder.replace(old, replacement, jar, refresh);
        goLive(replacement);
    }

    @Override
    public synchronized void remove(InstalledBundle bundle, List<String> refresh) {
        String name = checkedName(bundle.id());
        Optional<PluginInfo> live = runtime.flatMap(r -> r.plugin(name));
        if (live.isPresent() && live.get().digest().equals(bundle.sha256()) && !live.get().previousDigests().isEmpty()) {
            try {
                runtime.orElseThrow().rollback(name);
                notes.add(name + ": rolled back to its previous version, live now");
            } catch (PluginOperationException e) {
                throw new DirectoryException("cannot roll " + name + " back to its previous version: " + e.getMessage(), e);
            }
        } else {
            dropRecord(name, bundle.sha256());
        }
        folder.remove(bundle, refresh);
    }

    private void goLive(InstalledBundle bundle) {
        String name = checkedName(bundle.id());
        Path jar = folder.dir().resolve(bundle.fileName());
        Optional<PluginInfo> live = runtime.flatMap(r -> r.plugin(name));
        if (live.isPresent() && live.get().symbolicName().equals(name)) {
            if (live.get().digest().equals(bundle.sha256())) {
                notes.add(name + " " + bundle.version() + " is already the live version");
                return;
            }
            try {
                runtime.orElseThrow().swap(name, jar);
                notes.add(name + " " + bundle.version() + ": hot-swapped in, live now");
                return;
            } catch (PluginOperationException e) {
                throw new DirectoryException("installed " + name + " " + bundle.version() + " but the runtime refused it: "
                        + e.getMessage(), e);
            }
        }
        record(name, bundle.sha256(), jar);
        notes.add(name + " " + bundle.version() + ": recorded as the live version; the host starts it at its next start");
    }

    private static String checkedName(String id) {
        if (!SAFE_NAME.matcher(id).matches()) {
            throw new DirectoryException("bundle id '" + id + "' is not a plugin name the runtime accepts"
                    + " (1-200 letters, digits, dots, dashes or underscores)");
        }
        return id;
    }

    /** The plugin's recorded state (the last readable line of its journal): live digest, then history. */
    private List<String> recorded(String name) {
        Path journal = pluginsRoot.resolve(name).resolve("state.jsonl");
        if (!Files.isRegularFile(journal)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                try {
                    JsonNode node = json.readTree(lines.get(i));
                    if (node != null && DIGEST.matcher(node.path("live").asText("")).matches()) {
                        List<String> state = new ArrayList<>();
                        state.add(node.get("live").asText());
                        node.path("history").forEach(h -> state.add(h.asText()));
                        return state;
                    }
                } catch (IOException e) {
                    // a torn line: the one before it holds, as the runtime reads it
                }
            }
            return List.of();
        } catch (IOException e) {
            throw new DirectoryException("cannot read plugin state " + journal + ": " + e.getMessage(), e);
        }
    }

    private void record(String name, String digest, Path jar) {
        Path dir = pluginsRoot.resolve(name);
        Path stored = dir.resolve("jars").resolve(digest + ".jar");
        try {
            Files.createDirectories(stored.getParent());
            if (!Files.isRegularFile(stored)) {
                Path tmp = Files.createTempFile(stored.getParent(), digest, ".tmp");
                Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, stored, StandardCopyOption.ATOMIC_MOVE);
            }
            List<String> before = recorded(name);
            List<String> history = new ArrayList<>(before);
            history.remove(digest);
            append(dir, name, digest, history.subList(0, Math.min(history.size(), 32)));
        } catch (IOException e) {
            throw new DirectoryException("cannot record " + name + " for the runtime in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void dropRecord(String name, String digest) {
        List<String> state = recorded(name);
        if (state.isEmpty() || !state.getFirst().equals(digest)) {
            return;
        }
        Path dir = pluginsRoot.resolve(name);
        try {
            if (state.size() > 1) {
                append(dir, name, state.get(1), state.subList(2, state.size()));
                notes.add(name + ": its previous version is live again from the next start");
            } else {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                notes.add(name + ": removed; the host no longer starts it (a shipped plugin of that name comes back)");
            }
        } catch (IOException e) {
            throw new DirectoryException("cannot drop " + name + " from the runtime's plugin state in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private void append(Path dir, String name, String live, List<String> history) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("symbolicName", name);
        node.put("live", live);
        history.forEach(node.putArray("history")::add);
        Path journal = dir.resolve("state.jsonl");
        // a line torn by an earlier crash must not swallow this one
        boolean needsNewline = Files.isRegularFile(journal) && Files.size(journal) > 0
                && !Files.readString(journal, StandardCharsets.UTF_8).endsWith("\n");
        Files.writeString(journal, (needsNewline ? "\n" : "") + json.writeValueAsString(node) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    }
}
