package dev.chrysalis.host.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One installed plugin as the runtime sees it now.
 *
 * @param symbolicName the bundle symbolic name (the plugin's identity across versions)
 * @param version      the live bundle's {@code Bundle-Version}
 * @param digest       SHA-256 (lower-case hex) of the live jar
 * @param state        the live bundle's state ({@code ACTIVE}, ...)
 * @param provides     the names of the skills, router or hooks the live bundle registers
 * @param liveJar      where the live jar is stored
 * @param previousDigests the jars {@link PluginRuntime#rollback} would return to, most recent first
 */
public record PluginInfo(String symbolicName, String version, PluginKind kind, String digest, String state,
                         List<String> provides, Path liveJar, List<String> previousDigests) {
    public PluginInfo {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(liveJar, "liveJar");
        provides = List.copyOf(provides);
        previousDigests = List.copyOf(previousDigests);
    }
}
