package dev.chrysalis.host.shell;

import java.util.Objects;

/**
 * A skill as people see it in {@code /skills} and {@code chrysalis skills list}.
 *
 * @param plugin  the symbolic name of the bundle that provides it
 * @param version that bundle's version
 * @param digest  SHA-256 of that bundle's jar
 */
public record SkillSummary(String name, String description, String plugin, String version, String digest) {
    public SkillSummary {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(digest, "digest");
    }
}
