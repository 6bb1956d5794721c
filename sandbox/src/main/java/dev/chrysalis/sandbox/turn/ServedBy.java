package dev.chrysalis.sandbox.turn;

import java.util.Objects;

/**
 * A plugin service that took part in a turn, with the exact jar that served it.
 *
 * @param name    the skill, router or hook name
 * @param plugin  the bundle symbolic name
 * @param digest  SHA-256 of the bundle jar
 */
public record ServedBy(Role role, String name, String plugin, String version, String digest) {
    public ServedBy {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(digest, "digest");
    }

    public enum Role { SKILL, ROUTER, HOOK }
}
