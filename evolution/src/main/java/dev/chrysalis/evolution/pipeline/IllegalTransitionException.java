package dev.chrysalis.evolution.pipeline;

/** A stage change the table in {@link Stage} does not allow; the message names the batch and both stages. */
public final class IllegalTransitionException extends RuntimeException {
    public IllegalTransitionException(String message) {
        super(message);
    }
}
