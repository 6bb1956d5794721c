package dev.chrysalis.host.evidence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A stored failure of one turn. */
public record Failure(long id, long turnId, Instant recorded, FailureKind kind, Optional<String> plugin, String message,
                      Optional<String> stackTrace) {
    public Failure {
        Objects.requireNonNull(recorded, "recorded");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stackTrace, "stackTrace");
    }
}
