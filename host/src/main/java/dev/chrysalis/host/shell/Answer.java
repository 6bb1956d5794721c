package dev.chrysalis.host.shell;

import java.util.List;
import java.util.Objects;

/**
 * The agent's answer to one message.
 *
 * @param turnId   the stored turn (its evidence id, for {@code /bad})
 * @param failures what went wrong in the turn, one line each ("SKILL_EXCEPTION in calculator: ..."); empty
 *                 when the turn succeeded
 */
public record Answer(String text, long turnId, List<String> failures) {
    public Answer {
        Objects.requireNonNull(text, "text");
        failures = List.copyOf(failures);
    }

    public boolean failed() {
        return !failures.isEmpty();
    }
}
