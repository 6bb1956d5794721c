package dev.chrysalis.spi.brain;

import java.util.List;
import java.util.Objects;

/** The message to answer, with the earlier exchanges of the same session (oldest first). */
public record TurnRequest(String sessionId, String message, List<Exchange> history) {
    public TurnRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(message, "message");
        history = List.copyOf(history);
    }

    /** One earlier user message and the answer it got. */
    public record Exchange(String user, String assistant) {
    }
}
