package dev.chrysalis.host.agent;

/**
 * Stores finished turns (the evidence store implements it). Called once per turn, on the session's thread,
 * before the answer is returned; an exception here is reported to the caller as {@link TurnNotRecordedException}.
 */
@FunctionalInterface
public interface TurnRecorder {

    void record(CompletedTurn turn);

    /** Stores nothing. */
    static TurnRecorder none() {
        return turn -> { };
    }
}
