package dev.chrysalis.evolution.workspace;

import java.util.Objects;

/**
 * One evolvable plugin as the workspace knows it.
 *
 * @param name         the folder name in the workspace (e.g. {@code calculator}, {@code router-default})
 * @param kind         {@code skill} or {@code harness}
 * @param symbolicName the bundle symbolic name its builds carry
 * @param capabilities the Chrysalis-Capabilities it declares (may be empty)
 */
public record PluginSource(String name, String kind, String symbolicName, String capabilities) {
    public PluginSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(capabilities, "capabilities");
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("plugin name '" + name + "' must be lower-case letters, digits and '-'");
        }
        if (!kind.equals("skill") && !kind.equals("harness")) {
            throw new IllegalArgumentException("plugin '" + name + "': kind must be skill or harness, got '" + kind + "'");
        }
    }
}
