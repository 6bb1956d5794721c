package dev.chrysalis.evolution.build;

/** bnd could not make a bundle of a candidate; the message names the candidate and bnd's errors. */
public final class PackagingException extends RuntimeException {
    public PackagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
