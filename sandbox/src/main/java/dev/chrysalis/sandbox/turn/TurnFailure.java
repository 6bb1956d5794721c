package dev.chrysalis.sandbox.turn;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing that went wrong in a turn.
 *
 * @param source     the skill, hook, router or brain it came from
 * @param message    what happened, for people
 * @param stackTrace the full stack trace when an exception was thrown
 */
public record TurnFailure(FailureKind kind, String source, String message, Optional<String> stackTrace) {
    public TurnFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stackTrace, "stackTrace");
    }

    static TurnFailure of(FailureKind kind, String source, String message) {
        return new TurnFailure(kind, source, message, Optional.empty());
    }

    static TurnFailure thrown(FailureKind kind, String source, String message, Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return new TurnFailure(kind, source, message, Optional.of(out.toString()));
    }
}
