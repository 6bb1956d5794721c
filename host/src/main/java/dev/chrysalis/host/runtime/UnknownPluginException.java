package dev.chrysalis.host.runtime;

/** No installed plugin has this symbolic name, short name, skill name, router name or hook name. */
public class UnknownPluginException extends PluginOperationException {
    public UnknownPluginException(String message) {
        super(message);
    }
}
