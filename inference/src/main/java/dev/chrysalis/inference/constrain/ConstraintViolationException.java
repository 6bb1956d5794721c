package dev.chrysalis.inference.constrain;

/** Text or a token that the constraint cannot accept at this point (a caller bug: masked tokens were chosen). */
public final class ConstraintViolationException extends RuntimeException {

    public ConstraintViolationException(String message) {
        super(message);
    }
}
