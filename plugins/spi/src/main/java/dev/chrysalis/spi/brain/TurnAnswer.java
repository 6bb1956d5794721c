package dev.chrysalis.spi.brain;

import java.util.Map;
import java.util.Objects;

/**
 * The brain's answer for the turn.
 *
 * @param notes facts about the decision worth storing (e.g. {@code route.reason}); stored with the turn
 */
public record TurnAnswer(String text, Map<String, String> notes) {
    public TurnAnswer {
        Objects.requireNonNull(text, "text");
        notes = Map.copyOf(notes);
    }

    public TurnAnswer(String text) {
        this(text, Map.of());
    }
}
