package dev.chrysalis.host.runtime;

import dev.chrysalis.sandbox.guard.Violation;
import java.util.Objects;

/**
 * The live guard refused a plugin something it did not declare (see {@link PluginRuntime#onGuardDenial}).
 *
 * @param plugin    the bundle's symbolic name
 * @param digest    SHA-256 of the jar whose code was refused
 * @param violation the rule, what was asked for, the guarded JDK method and the plugin frame that asked
 */
public record GuardDenial(String plugin, String version, String digest, Violation violation) {
    public GuardDenial {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(violation, "violation");
    }

    /** One line for logs and the audit log. */
    public String describe() {
        return plugin + " " + version + " (sha256:" + digest + "): " + violation.describe();
    }
}
