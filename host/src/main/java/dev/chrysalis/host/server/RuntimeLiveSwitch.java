package dev.chrysalis.host.server;

import dev.chrysalis.governance.promotion.LiveSwitch;
import dev.chrysalis.governance.promotion.SwitchException;
import dev.chrysalis.governance.policy.BundleFormatException;
import dev.chrysalis.governance.policy.BundleJar;
import dev.chrysalis.host.runtime.PluginInfo;
import dev.chrysalis.host.runtime.PluginOperationException;
import dev.chrysalis.host.runtime.PluginRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Governance's {@link LiveSwitch} over the host's {@link PluginRuntime}: staging loads the candidate beside the
 * live version (it then serves only the shadow copies and canary calls the promotion routes to it through the
 * runtime's traffic tap); a promotion's full swap is the runtime's hot swap onto the staged bundle (durable: the
 * runtime journals the live digest); rollback to the last good digest is a swap back to that stored jar.
 *
 * <p>What the runtime cannot do, this says instead of pretending: it cannot install a plugin that has no live
 * version or remove one, so a first install and {@link #uninstall} of a live plugin fail with a {@link SwitchException}.
 */
public final class RuntimeLiveSwitch implements LiveSwitch {
    private final PluginRuntime runtime;
    private final List<Path> artifactFolders;
    private final Map<String, Path> staged = new ConcurrentHashMap<>();

    /**
     * @param artifactFolders where else a digest's jar may be found, as {@code <folder>/<sha256>.jar} (governance's
     *                        {@code artifacts/}); the runtime's own stored jars and shipped bundles are searched too
     */
    public RuntimeLiveSwitch(PluginRuntime runtime, List<Path> artifactFolders) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.artifactFolders = List.copyOf(artifactFolders);
    }

    @Override
    public Optional<String> liveDigest(String plugin) {
        return runtime.plugin(plugin).map(PluginInfo::digest);
    }

    @Override
    public void stage(String plugin, String digest, Path artifact) throws SwitchException {
        BundleJar jar = read(plugin, digest, artifact);
        PluginInfo live = runtime.plugin(plugin).orElseThrow(() -> new SwitchException("cannot stage " + plugin + "@" + digest
                + ": no plugin " + plugin + " is live, and the runtime installs new plugins only at start"));
        if (!jar.symbolicName().equals(live.symbolicName())) {
            throw new SwitchException("cannot stage " + plugin + "@" + digest + ": " + artifact + " is bundle '"
                    + jar.symbolicName() + "', not " + live.symbolicName());
        }
        staged.put(key(plugin, digest), artifact);
        try {
            runtime.stage(live.symbolicName(), artifact);
        } catch (PluginOperationException e) {
            staged.remove(key(plugin, digest));
            throw new SwitchException("cannot stage " + plugin + "@" + digest + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void swapTo(String plugin, String digest) throws SwitchException {
        PluginInfo live = runtime.plugin(plugin).orElseThrow(() -> new SwitchException("cannot swap " + plugin + " to " + digest
                + ": no plugin " + plugin + " is live, and the runtime installs new plugins only at start"));
        if (live.digest().equals(digest)) {
            return;
        }
        Path jar = locate(plugin, live, digest).orElseThrow(() -> new SwitchException("cannot swap " + plugin + " to "
                + digest + ": no jar with that SHA-256 was staged, stored by the runtime or found in " + artifactFolders));
        try {
            runtime.swap(live.symbolicName(), jar);
        } catch (PluginOperationException e) {
            throw new SwitchException("swap of " + plugin + " to " + digest + " refused: " + e.getMessage(), e);
        }
    }

    @Override
    public void uninstall(String plugin) throws SwitchException {
        if (runtime.plugin(plugin).isPresent()) {
            throw new SwitchException("cannot uninstall " + plugin + ": the runtime removes no live plugin;"
                    + " it keeps serving its current version");
        }
    }

    @Override
    public void unstage(String plugin, String digest) {
        staged.remove(key(plugin, digest));
        runtime.unstage(plugin, digest);
    }

    private static String key(String plugin, String digest) {
        return plugin + "@" + digest;
    }

    private static BundleJar read(String plugin, String digest, Path artifact) throws SwitchException {
        try {
            BundleJar jar = BundleJar.read(artifact);
            if (!jar.digest().equals(digest)) {
                throw new SwitchException("cannot stage " + plugin + "@" + digest + ": " + artifact + " has SHA-256 " + jar.digest());
            }
            return jar;
        } catch (BundleFormatException e) {
            throw new SwitchException("cannot stage " + plugin + "@" + digest + ": " + e.getMessage(), e);
        }
    }

    /** The jar with this digest: staged, in an artifact folder, among the plugin's stored jars, or a shipped jar. */
    private Optional<Path> locate(String plugin, PluginInfo live, String digest) {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(staged.get(key(plugin, digest))).ifPresent(candidates::add);
        Optional.ofNullable(staged.get(key(live.symbolicName(), digest))).ifPresent(candidates::add);
        artifactFolders.forEach(f -> candidates.add(f.resolve(digest + ".jar")));
        Path liveFolder = live.liveJar().toAbsolutePath().getParent();
        if (liveFolder != null) {
            candidates.add(liveFolder.resolve(digest + ".jar"));
            candidates.addAll(jarsIn(liveFolder));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && digestOf(p).equals(Optional.of(digest))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<Path> jarsIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static Optional<String> digestOf(Path jar) {
        try {
            return Optional.of(BundleJar.sha256(Files.readAllBytes(jar)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
