package dev.chrysalis.inference.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared reference fixtures (system property {@code chrysalis.fixtures}, else ../shared/fixtures). */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path root() {
        String p = System.getProperty("chrysalis.fixtures");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        for (Path c : new Path[] {Path.of("../shared/fixtures"), Path.of("../../shared/fixtures"), Path.of("/work/shared/fixtures")}) {
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        throw new IllegalStateException("fixtures not found: set -Dchrysalis.fixtures");
    }

    public static Path model(String name) {
        return root().resolve("models").resolve(name);
    }

    public static Path refs(String name) {
        return root().resolve("refs").resolve(name);
    }

    public static Path vocab(String name) {
        return root().resolve("vocab").resolve(name);
    }
}
