package dev.chrysalis.evolution.bench;

import java.util.Objects;

/**
 * A bug seeded into a copy of a shipped skill: {@code original} (which must occur exactly once in
 * {@code file}) becomes {@code buggy}.
 */
public record SeededBug(String name, String skill, String file, String original, String buggy) {
    public SeededBug {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(skill, "skill");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(buggy, "buggy");
        if (original.equals(buggy)) {
            throw new IllegalArgumentException("seeded bug '" + name + "' changes nothing");
        }
    }
}
