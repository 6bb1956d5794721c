package dev.chrysalis.host.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the trial workers' runtime is: a folder laid out like a sandbox build folder ({@code worker-bundles/},
 * {@code worker-classpath.txt}, {@code *-guard-boot.jar}, {@code *-guard-agent.jar}). The host build copies one
 * to {@code host/target/sandbox}, beside the {@code bundles} folder; {@value #PROPERTY} names another.
 */
public final class SandboxRuntime {
    /** System property naming the sandbox runtime folder explicitly. */
    public static final String PROPERTY = "chrysalis.sandbox.runtime";

    private SandboxRuntime() {
    }

    /** The runtime folder for a host whose base bundles are in {@code bundlesDir}: the property, else {@code ../sandbox}. */
    public static Path forBundles(Path bundlesDir) {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path parent = Optional.ofNullable(bundlesDir.toAbsolutePath().getParent()).orElse(Path.of("."));
        return parent.resolve("sandbox");
    }

    /** The folder, checked: a missing one is a clear error naming where it was looked for. */
    public static Path require(Path bundlesDir) {
        Path dir = forBundles(bundlesDir);
        if (!Files.isDirectory(dir.resolve("worker-bundles")) || !Files.isRegularFile(dir.resolve("worker-classpath.txt"))) {
            throw new CliException("the sandbox runtime is not at " + dir.toAbsolutePath() + " (worker-bundles/ and"
                    + " worker-classpath.txt); build the host (./chrysalis builds what is missing) or pass --runtime DIR"
                    + " or -D" + PROPERTY + "=DIR");
        }
        return dir;
    }
}
