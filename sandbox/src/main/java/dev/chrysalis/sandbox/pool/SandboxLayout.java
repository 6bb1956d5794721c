package dev.chrysalis.sandbox.pool;

import dev.chrysalis.sandbox.worker.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where the pieces of a trial worker are: the JDK to start it with, its class path, the guard's two jars
 * and the framework bundles it runs. The sandbox build provisions all of them in its build folder.
 *
 * @param plugins the shipped plugin bundles (router, hooks, skills) a worker replays whole turns with; a
 *                candidate takes the place of the shipped plugin it rewrites. Empty: turn cases cannot run.
 */
public record SandboxLayout(Path java, List<Path> workerClasspath, Path guardBootJar, Path guardAgentJar,
                            List<Path> bundles, List<Path> plugins) {
    public static final String BUNDLES_PROPERTY = "chrysalis.sandbox.workerBundles";
    public static final String CLASSPATH_PROPERTY = "chrysalis.sandbox.workerClasspath";
    public static final String BOOT_JAR_PROPERTY = "chrysalis.sandbox.guardBootJar";
    public static final String AGENT_JAR_PROPERTY = "chrysalis.sandbox.guardAgentJar";
    /** The folder of shipped plugin bundles, next to the framework bundles' folder. */
    public static final String PLUGINS_FOLDER = "worker-plugins";

    public SandboxLayout {
        Objects.requireNonNull(java, "java");
        workerClasspath = List.copyOf(workerClasspath);
        Objects.requireNonNull(guardBootJar, "guardBootJar");
        Objects.requireNonNull(guardAgentJar, "guardAgentJar");
        bundles = List.copyOf(bundles);
        plugins = List.copyOf(plugins);
        for (Path p : Stream.of(Stream.of(java, guardBootJar, guardAgentJar), workerClasspath.stream(), bundles.stream(),
                plugins.stream()).flatMap(s -> s).toList()) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("sandbox layout: " + p + " does not exist (build the sandbox module first)");
            }
        }
        if (bundles.isEmpty()) {
            throw new IllegalArgumentException("sandbox layout: no framework bundles for the worker");
        }
    }

    /**
     * The layout the sandbox build describes through system properties ({@value #BUNDLES_PROPERTY}: a
     * directory of bundles; {@value #CLASSPATH_PROPERTY}: a file holding the worker's class path;
     * {@value #BOOT_JAR_PROPERTY}, {@value #AGENT_JAR_PROPERTY}: the guard's jars; shipped plugins in the
     * {@value #PLUGINS_FOLDER} folder beside the bundles' one). The worker runs on the JDK of this process.
     */
    public static SandboxLayout fromSystemProperties() {
        return of(Path.of(required(BUNDLES_PROPERTY)), Path.of(required(CLASSPATH_PROPERTY)),
                Path.of(required(BOOT_JAR_PROPERTY)), Path.of(required(AGENT_JAR_PROPERTY)));
    }

    /**
     * The layout in a sandbox build folder (e.g. {@code sandbox/target}): {@code worker-bundles/},
     * {@code worker-classpath.txt} and the {@code *-guard-boot.jar} and {@code *-guard-agent.jar} it holds, and
     * the shipped plugins in {@value #PLUGINS_FOLDER}/ where it has them.
     */
    public static SandboxLayout fromBuildDirectory(Path dir) {
        return of(dir.resolve("worker-bundles"), dir.resolve("worker-classpath.txt"), single(dir, "-guard-boot.jar"),
                single(dir, "-guard-agent.jar"));
    }

    private static Path single(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            if (found.size() != 1) {
                throw new IllegalArgumentException("sandbox layout: expected one *" + suffix + " in " + dir + ", found " + found);
            }
            return found.getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox layout: cannot list " + dir, e);
        }
    }

    /** A layout from a bundle directory, a class-path file and the guard jars, on this process's JDK. */
    public static SandboxLayout of(Path bundleDir, Path classpathFile, Path guardBootJar, Path guardAgentJar) {
        try {
            List<Path> classpath = new ArrayList<>();
            classpath.add(ownCodeLocation());
            for (String entry : Files.readString(classpathFile).strip().split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    classpath.add(Path.of(entry));
                }
            }
            Path pluginDir = bundleDir.resolveSibling(PLUGINS_FOLDER);
            List<Path> plugins = Files.isDirectory(pluginDir) ? jars(pluginDir) : List.of();
            return new SandboxLayout(currentJava(), classpath, guardBootJar, guardAgentJar, jars(bundleDir), plugins);
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox layout: cannot read " + classpathFile + " or " + bundleDir, e);
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** The java launcher of the running JDK. */
    public static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    private static Path ownCodeLocation() {
        try {
            return Path.of(WorkerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the sandbox classes", e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("sandbox layout: system property " + property + " is not set");
        }
        return value;
    }
}
