package dev.chrysalis.inference.engine;

/** The model (weights plus KV cache) does not fit in this machine's memory or the JVM heap. */
public final class InsufficientMemoryException extends RuntimeException {

    public InsufficientMemoryException(String message) {
        super(message);
    }
}
