package dev.chrysalis.evolution.mutate;

import java.util.Objects;

/** A method a mutator may rewrite: its file (path inside the plugin) and {@code Type.method}. */
public record MethodLocation(String file, String method) {
    public MethodLocation {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(method, "method");
    }
}
