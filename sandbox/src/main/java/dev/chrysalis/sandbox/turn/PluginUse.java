package dev.chrysalis.sandbox.turn;

import java.util.Objects;

/**
 * One plugin service lent to a turn, with the identity of the jar that serves it; {@link #close()} gives it
 * back (the host's runtime then may retire that bundle generation). Closing twice is harmless if
 * {@code release} is.
 *
 * @param name    the skill, router or hook name
 * @param plugin  the bundle symbolic name
 * @param digest  SHA-256 of the bundle jar
 */
public record PluginUse<T>(T service, String name, String plugin, String version, String digest, Runnable release)
        implements AutoCloseable {
    public PluginUse {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(release, "release");
    }

    ServedBy servedBy(ServedBy.Role role) {
        return new ServedBy(role, name, plugin, version, digest);
    }

    @Override
    public void close() {
        release.run();
    }
}
