package dev.chrysalis.host.cli;

/** A command that cannot do what was asked; its message is the one line the user sees (exit status 1). */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
