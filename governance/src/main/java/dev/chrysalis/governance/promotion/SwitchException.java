package dev.chrysalis.governance.promotion;

/** The host could not stage or swap a bundle; the message names the plugin, the digest and the reason. */
public class SwitchException extends Exception {
    public SwitchException(String message) {
        super(message);
    }

    public SwitchException(String message, Throwable cause) {
        super(message, cause);
    }
}
