package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.host.cli.SandboxRuntime;
import dev.chrysalis.host.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the host's evolution finds what it needs.
 *
 * @param home              {@code <data dir>/evolution}: the workspace repository ({@code workspace/}), the journal,
 *                          batches, candidate bundles and the sandbox workers' scratch. Not {@code <data dir>/workspace},
 *                          which is the skills' file workspace.
 * @param sources           the project root holding the shipped sources ({@code skills/*}, {@code plugins/harness/*});
 *                          read only when the workspace repository is created
 * @param compileClasspath  the jars plugin sources compile against (SPI, Jackson, OSGi annotations)
 * @param sandboxRuntime    the trial workers' runtime folder
 */
public record EvolutionSetup(Path dataDir, Path home, Path sources, List<Path> compileClasspath, Path sandboxRuntime) {
    /** System property naming the project root with the shipped plugin sources (default: the working directory). */
    public static final String SOURCES_PROPERTY = "chrysalis.sources";

    public EvolutionSetup {
        compileClasspath = List.copyOf(compileClasspath);
    }

    /**
     * Resolves every path for a host whose bundles are in {@code bundlesDir}: the sources from {@code sourcesOption},
     * else {@value #SOURCES_PROPERTY}, else the working directory (the launcher runs from the project root); the
     * compile class path from {@value PluginCompiler#CLASSPATH_PROPERTY}, else {@code plugin-classpath} beside the
     * bundles folder; the sandbox runtime as the other sandbox commands find it.
     */
    public static EvolutionSetup resolve(Path dataDir, Path bundlesDir, Optional<Path> sourcesOption) {
        Path sources = sourcesOption.or(() -> Optional.ofNullable(System.getProperty(SOURCES_PROPERTY)).filter(s -> !s.isBlank()).map(Path::of))
                .orElse(Path.of("")).toAbsolutePath().normalize();
        String cp = System.getProperty(PluginCompiler.CLASSPATH_PROPERTY);
        Path classpathDir = cp != null && !cp.isBlank() ? Path.of(cp) : besideBundles(bundlesDir, "plugin-classpath");
        if (!Files.isDirectory(classpathDir)) {
            throw new EvolveException("the plugin compile class path is not at " + classpathDir.toAbsolutePath()
                    + "; build the host (./chrysalis builds what is missing) or set -D" + PluginCompiler.CLASSPATH_PROPERTY + "=DIR");
        }
        List<Path> jars = PluginCompiler.jarsIn(classpathDir);
        if (jars.isEmpty()) {
            throw new EvolveException("the plugin compile class path " + classpathDir.toAbsolutePath() + " holds no jars; rebuild the host");
        }
        Path runtime = SandboxRuntime.forBundles(bundlesDir);
        if (!Files.isDirectory(runtime) && System.getProperty(SandboxRuntime.PROPERTY) == null) {
            runtime = besideBundles(bundlesDir, "sandbox");
        }
        if (!Files.isDirectory(runtime.resolve("worker-bundles")) || !Files.isRegularFile(runtime.resolve("worker-classpath.txt"))) {
            throw new EvolveException("the sandbox runtime is not at " + runtime.toAbsolutePath() + " (worker-bundles/ and"
                    + " worker-classpath.txt); build the host (./chrysalis builds what is missing) or set -D" + SandboxRuntime.PROPERTY + "=DIR");
        }
        Path data = dataDir.toAbsolutePath().normalize();
        return new EvolutionSetup(data, data.resolve("evolution"), sources, jars, runtime);
    }

    /**
     * {@code name} beside the bundles folder; for a bundles folder of its own (the demo's, a test's copy) that has
     * none, the one beside the build's bundles folder.
     */
    private static Path besideBundles(Path bundlesDir, String name) {
        Path here = Optional.ofNullable(bundlesDir.toAbsolutePath().getParent()).orElse(Path.of(".")).resolve(name);
        if (Files.isDirectory(here)) {
            return here;
        }
        Path build = Optional.ofNullable(RuntimeConfig.defaultBundlesDir().toAbsolutePath().getParent()).orElse(Path.of(".")).resolve(name);
        return Files.isDirectory(build) ? build : here;
    }

    /** As this, with another data directory (the demo's). */
    public EvolutionSetup withDataDir(Path newDataDir) {
        Path data = newDataDir.toAbsolutePath().normalize();
        return new EvolutionSetup(data, data.resolve("evolution"), sources, compileClasspath, sandboxRuntime);
    }

    /** As this, with another project root for the shipped sources (the demo's example project). */
    public EvolutionSetup withSources(Path newSources) {
        return new EvolutionSetup(dataDir, home, newSources.toAbsolutePath().normalize(), compileClasspath, sandboxRuntime);
    }

    public boolean workspaceExists() {
        return Files.isDirectory(home.resolve("workspace/.git"));
    }

    /** The sources, checked before a workspace is created from them: a missing tree is a clear error. */
    public Path requireSources() {
        for (String family : List.of("skills", "plugins/harness")) {
            Path dir = sources.resolve(family);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> modules = Files.list(dir)) {
                    if (modules.anyMatch(m -> Files.isDirectory(m.resolve("src/main/java")) && Files.isRegularFile(m.resolve("pom.xml")))) {
                        return sources;
                    }
                } catch (IOException e) {
                    throw new EvolveException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
        }
        throw new EvolveException("the shipped plugin sources are not under " + sources + " (expected skills/<name>/src/main/java"
                + " or plugins/harness/<name>/src/main/java): the evolution workspace is created from them on first use; run from"
                + " the project root (./chrysalis does) or pass --sources DIR (or -D" + SOURCES_PROPERTY + "=DIR)");
    }
}
