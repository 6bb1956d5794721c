package dev.chrysalis.host.evidence;

import java.time.Instant;
import java.util.Objects;

/** A stored session with its turn count and the time of its latest turn. */
public record SessionSummary(String id, Instant started, int turns, Instant lastActive) {
    public SessionSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(lastActive, "lastActive");
    }
}
