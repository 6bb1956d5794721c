package dev.chrysalis.host.evolve;

/** An evolve, candidates, demo or bench request cannot be carried out; the message names the input and the problem. */
public final class EvolveException extends RuntimeException {
    public EvolveException(String message) {
        super(message);
    }

    public EvolveException(String message, Throwable cause) {
        super(message, cause);
    }
}
