package dev.chrysalis.host.agent;

import java.util.Objects;

/** The turn was answered but the {@link TurnRecorder} failed to store it; the turn is attached. */
public class TurnNotRecordedException extends RuntimeException {
    private final transient CompletedTurn turn;

    public TurnNotRecordedException(CompletedTurn turn, Throwable cause) {
        super("turn " + turn.turnIndex() + " of session " + turn.sessionId() + " was answered but not recorded: " + cause, cause);
        this.turn = Objects.requireNonNull(turn, "turn");
    }

    public CompletedTurn turn() {
        return turn;
    }
}
