package dev.chrysalis.host.shell;

import java.util.Objects;

/**
 * The agent's answer to one message.
 *
 * @param turnId the stored turn (its evidence id, for {@code /bad})
 */
public record Answer(String text, long turnId) {
    public Answer {
        Objects.requireNonNull(text, "text");
    }
}
