package dev.chrysalis.directory.install;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A bundle the directory installed: what it is, where it came from, and the package wiring it declares
 * and generic capabilities (kept so the resolver can answer without reopening jars).
 *
 * @param fileName the jar's name inside the plugins folder
 * @param tier     the trust tier it was installed under (claimed tier capped by the publisher key's tier)
 */
public record InstalledBundle(String id, String version, String sha256, String fileName, String publisherKeyId,
                              String tier, List<String> imports, List<String> exports, List<String> provides,
                              List<String> requires, Instant installedAt) {
    public InstalledBundle {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(publisherKeyId, "publisherKeyId");
        Objects.requireNonNull(tier, "tier");
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        provides = List.copyOf(provides);
        requires = List.copyOf(requires);
        Objects.requireNonNull(installedAt, "installedAt");
    }
}
