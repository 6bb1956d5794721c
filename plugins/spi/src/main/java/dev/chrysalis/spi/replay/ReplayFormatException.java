package dev.chrysalis.spi.replay;

/** A replay file line that cannot be read; the message names the source, the line and the problem. */
public class ReplayFormatException extends RuntimeException {
    public ReplayFormatException(String message) {
        super(message);
    }
}
