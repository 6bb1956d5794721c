package dev.chrysalis.evolution.build;

import java.nio.file.Path;
import java.util.Objects;

/** A built candidate bundle and its SHA-256 (the candidate's identity). */
public record PackagedBundle(Path jar, String sha256, String symbolicName, String version) {
    public PackagedBundle {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
    }
}
