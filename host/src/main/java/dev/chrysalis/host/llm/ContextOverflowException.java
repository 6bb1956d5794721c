package dev.chrysalis.host.llm;

/** A conversation does not fit in the model's context; the message says how many tokens it needs and has. */
public final class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
