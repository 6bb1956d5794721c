package dev.chrysalis.host.runtime;

/**
 * A jar offered for a swap was refused (not a zip, no manifest, wrong symbolic name, unresolved import,
 * activator or component failing on start, ...). The running version of the plugin keeps serving.
 */
public class BundleRejectedException extends PluginOperationException {
    public BundleRejectedException(String message) {
        super(message);
    }

    public BundleRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
