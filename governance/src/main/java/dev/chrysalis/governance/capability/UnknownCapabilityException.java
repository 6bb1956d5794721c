package dev.chrysalis.governance.capability;

/** A capability name that is not one of {@link Capability}; the message names where it was written. */
public class UnknownCapabilityException extends IllegalArgumentException {
    public UnknownCapabilityException(String message) {
        super(message);
    }
}
