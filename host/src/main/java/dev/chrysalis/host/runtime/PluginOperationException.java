package dev.chrysalis.host.runtime;

/** A swap or rollback that was refused; the message names the plugin or jar and what is wrong. */
public class PluginOperationException extends Exception {
    public PluginOperationException(String message) {
        super(message);
    }

    public PluginOperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
