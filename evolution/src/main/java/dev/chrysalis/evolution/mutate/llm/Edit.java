package dev.chrysalis.evolution.mutate.llm;

import java.util.Objects;

/**
 * One search-and-replace edit the coder asks for.
 *
 * @param file    a path inside the plugin folder (e.g. {@code src/main/java/.../Evaluator.java})
 * @param find    text that must occur exactly once in that file
 * @param replace what replaces it
 */
public record Edit(String file, String find, String replace) {
    public Edit {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(find, "find");
        Objects.requireNonNull(replace, "replace");
    }
}
