package dev.chrysalis.host.evidence;

import dev.chrysalis.sandbox.guard.SandboxViolation;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure to store with a turn.
 *
 * @param plugin     the plugin most likely at fault (a skill name or bundle symbolic name), when known
 * @param stackTrace the full stack trace of an exception, when there was one
 */
public record FailureReport(FailureKind kind, Optional<String> plugin, String message, Optional<String> stackTrace) {
    public FailureReport {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stackTrace, "stackTrace");
    }

    /**
     * The kind the store files this under: an {@link FailureKind#EXCEPTION} that the capability guard threw (its
     * {@code SandboxViolation} heads or causes the stack trace) is a {@link FailureKind#VIOLATION}, whoever
     * reports it; the caller that saw the skill throw cannot tell a denial from a bug.
     */
    public FailureKind filedKind() {
        if (kind != FailureKind.EXCEPTION || stackTrace.isEmpty()) {
            return kind;
        }
        String guard = SandboxViolation.class.getName();
        String trace = stackTrace.get();
        return trace.startsWith(guard) || trace.contains("Caused by: " + guard) ? FailureKind.VIOLATION : kind;
    }

    public static FailureReport of(FailureKind kind, String plugin, String message) {
        return new FailureReport(kind, Optional.of(plugin), message, Optional.empty());
    }

    /** An exception thrown by {@code plugin}, with its stack trace. */
    public static FailureReport exception(String plugin, Throwable thrown) {
        var trace = new java.io.StringWriter();
        thrown.printStackTrace(new java.io.PrintWriter(trace));
        String message = thrown.getClass().getName() + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage());
        return new FailureReport(FailureKind.EXCEPTION, Optional.of(plugin), message, Optional.of(trace.toString()));
    }
}
