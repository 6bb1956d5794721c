package dev.chrysalis.evolution.mutate;

import java.util.Objects;

/**
 * One rewrite of one source file.
 *
 * @param file      the file's path inside the plugin folder
 * @param method    {@code Type.method} the rewritten code is in
 * @param line      the line of the rewritten node in the original file
 * @param what      one line for people: what changed
 * @param newSource the whole rewritten file
 */
public record Mutation(Operator operator, String file, String method, int line, String what, String newSource) {
    public Mutation {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(newSource, "newSource");
    }

    /** Short name for commit messages and tables. */
    public String describe() {
        return operator.label() + " in " + method + " (" + file.substring(file.lastIndexOf('/') + 1) + ":" + line + "): " + what;
    }
}
