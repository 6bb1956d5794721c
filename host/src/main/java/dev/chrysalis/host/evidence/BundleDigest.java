package dev.chrysalis.host.evidence;

import java.util.Objects;

/** One bundle that served a turn, identified exactly by the SHA-256 of its jar (lower-case hex). */
public record BundleDigest(String symbolicName, String version, String sha256) {
    public BundleDigest {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("bundle '" + symbolicName + "': SHA-256 must be 64 lower-case hex digits, got '"
                    + sha256 + "'");
        }
    }
}
