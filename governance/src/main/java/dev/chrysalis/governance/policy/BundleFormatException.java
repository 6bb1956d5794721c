package dev.chrysalis.governance.policy;

/** A bundle jar that cannot be judged: unreadable, no manifest, no symbolic name, unknown capability. */
public class BundleFormatException extends RuntimeException {
    public BundleFormatException(String message) {
        super(message);
    }
}
