package dev.chrysalis.host.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.runtime.RuntimeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bundles folder the build provisions (base bundles, harness plugins, shipped skills), for host tests. */
public final class TestBundles {
    private TestBundles() {
    }

    /** The provisioned folder; fails the test with a clear message when the build has not provisioned it. */
    public static Path provisioned() {
        Path dir = RuntimeConfig.defaultBundlesDir().toAbsolutePath();
        assertTrue(Files.isDirectory(dir), "bundles folder " + dir + " is missing: run the host build (-Dchrysalis.bundles)");
        return dir;
    }

    /** The provisioned calculator skill bundle. */
    public static Path calculatorJar() {
        try (Stream<Path> files = Files.list(provisioned())) {
            return files.filter(p -> p.getFileName().toString().contains("calculator") && p.toString().endsWith(".jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no calculator bundle in " + provisioned()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the provisioned folder (so a test may add bundles to it). */
    public static Path copyTo(Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(provisioned())) {
                for (Path p : files.toList()) {
                    if (Files.isRegularFile(p)) {
                        Files.copy(p, target.resolve(p.getFileName()));
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test class path (to start child JVMs with the host on it). */
    public static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
