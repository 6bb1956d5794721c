package dev.chrysalis.spi.replay;

/** How one replay case went. */
public sealed interface ReplayOutcome {

    ReplayCase replayCase();

    default boolean passed() {
        return this instanceof Passed;
    }

    record Passed(ReplayCase replayCase) implements ReplayOutcome {
    }

    /** The skill answered, but not as recorded; {@code diff} names the first differing JSON paths. */
    record Mismatch(ReplayCase replayCase, String diff) implements ReplayOutcome {
    }

    /** An error was expected and did not come, or a different one came, or the skill threw unexpectedly. */
    record WrongError(ReplayCase replayCase, String detail) implements ReplayOutcome {
    }
}
