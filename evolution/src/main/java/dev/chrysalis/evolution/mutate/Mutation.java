package dev.chrysalis.evolution.mutate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One rewrite of a plugin's sources: one file for the AST operators, possibly several for the LLM coder and
 * an external agent.
 *
 * @param file       the (first) rewritten file's path inside the plugin folder
 * @param method     {@code Type.method} the rewritten code is in
 * @param line       the line of the rewritten node in the original file
 * @param what       one line for people: what changed
 * @param newSource  the whole rewritten file
 * @param otherFiles further files the rewrite changes or adds (path inside the plugin folder -> whole text)
 */
public record Mutation(Operator operator, String file, String method, int line, String what, String newSource,
                       Map<String, String> otherFiles) {
    public Mutation {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(newSource, "newSource");
        otherFiles = Collections.unmodifiableMap(new LinkedHashMap<>(otherFiles));
        if (otherFiles.containsKey(file)) {
            throw new IllegalArgumentException("mutation of " + file + " names it twice");
        }
    }

    /** A rewrite of one file. */
    public Mutation(Operator operator, String file, String method, int line, String what, String newSource) {
        this(operator, file, method, line, what, newSource, Map.of());
    }

    /** Every file the rewrite changes or adds, path inside the plugin folder -> whole text. */
    public Map<String, String> changes() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(file, newSource);
        all.putAll(otherFiles);
        return Collections.unmodifiableMap(all);
    }

    /** Short name for commit messages and tables. */
    public String describe() {
        return operator.label() + " in " + method + " (" + file.substring(file.lastIndexOf('/') + 1) + ":" + line + "): " + what;
    }
}
