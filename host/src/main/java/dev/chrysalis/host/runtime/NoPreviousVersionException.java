package dev.chrysalis.host.runtime;

/** A rollback was asked for a plugin that has never been swapped (no previous jar to return to). */
public class NoPreviousVersionException extends PluginOperationException {
    public NoPreviousVersionException(String message) {
        super(message);
    }
}
