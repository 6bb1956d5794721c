package dev.chrysalis.evolution.pipeline;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored state change of a batch's evolution; {@code attempt} counts runs of the batch (a run that was
 * interrupted is ended as abandoned and the next run is a new attempt); {@code candidate} is 0 for
 * batch-level stages.
 */
public record Transition(String batch, int attempt, int candidate, Stage from, Stage to, Instant at, String detail) {
    public Transition {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
    }
}
