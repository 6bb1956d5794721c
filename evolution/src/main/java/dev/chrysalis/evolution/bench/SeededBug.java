package dev.chrysalis.evolution.bench;

import java.util.Objects;

/**
 * A bug seeded into a copy of a shipped plugin: {@code original} (which must occur exactly once in
 * {@code file}) becomes {@code buggy}.
 *
 * @param skill  the plugin's folder name ({@code calculator}, {@code hook-redact-secrets}); named for the skills it started with
 * @param family the folder of its family under the project root: {@code skills} or {@code plugins/harness}
 */
public record SeededBug(String name, String skill, String file, String original, String buggy, String family) {
    public static final String SKILLS = "skills";
    public static final String HARNESS = "plugins/harness";

    public SeededBug {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(skill, "skill");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(buggy, "buggy");
        if (original.equals(buggy)) {
            throw new IllegalArgumentException("seeded bug '" + name + "' changes nothing");
        }
        if (!family.equals(SKILLS) && !family.equals(HARNESS)) {
            throw new IllegalArgumentException("seeded bug '" + name + "': family must be " + SKILLS + " or " + HARNESS + ", got '" + family + "'");
        }
    }

    /** A bug in a shipped skill. */
    public SeededBug(String name, String skill, String file, String original, String buggy) {
        this(name, skill, file, original, buggy, SKILLS);
    }

    public boolean harness() {
        return family.equals(HARNESS);
    }
}
