package dev.chrysalis.sandbox.guard;

import java.util.Objects;

/**
 * One denied attempt.
 *
 * @param rule   the rule broken
 * @param target what was asked for (a path, an address, a command, a property name...)
 * @param entry  the guarded entry point (e.g. {@code java.io.FileOutputStream.<init>})
 * @param where  the sandboxed frame responsible (class.method(File:line)), or the thread's name when
 *               the thread was started by sandboxed code and no sandboxed frame is on the stack
 */
public record Violation(Rule rule, String target, String entry, String where) {
    public Violation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(where, "where");
    }

    public String describe() {
        return "sandbox denied " + rule.label() + ": " + target + " (" + entry + " called from " + where + ")";
    }
}
