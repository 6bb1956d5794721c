package dev.chrysalis.governance.policy;

/** A policy file that cannot be read; the message names the file, the line and the key. */
public class PolicyFormatException extends RuntimeException {
    public PolicyFormatException(String message) {
        super(message);
    }
}
