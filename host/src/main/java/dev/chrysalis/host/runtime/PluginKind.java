package dev.chrysalis.host.runtime;

import java.util.Locale;
import java.util.Optional;

/** What a plugin bundle provides, from its {@code Chrysalis-Plugin-Kind} manifest header. */
public enum PluginKind {
    /** Registers {@code Skill} services. */
    SKILL,
    /** Registers {@code Router} and/or {@code Hook} services (the agent loop's policy). */
    HARNESS;

    public static final String HEADER = "Chrysalis-Plugin-Kind";

    /** The header value as written in manifests ({@code skill}, {@code harness}). */
    public String headerValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<PluginKind> fromHeader(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (PluginKind kind : values()) {
            if (kind.headerValue().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
