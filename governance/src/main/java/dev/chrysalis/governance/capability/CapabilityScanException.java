package dev.chrysalis.governance.capability;

/** A jar that cannot be read at all; the message names the jar and the reason. */
public class CapabilityScanException extends RuntimeException {
    public CapabilityScanException(String message, Throwable cause) {
        super(message, cause);
    }
}
