package dev.chrysalis.host.runtime;

/**
 * Told about every swap, rollback and refusal (the evidence store records them). Called on the thread that
 * asked for the change, after the change is complete; an exception thrown here is logged and does not undo it.
 */
@FunctionalInterface
public interface BundleEventListener {

    void onEvent(PluginEvent event);

    /** Records nothing (the runtime still logs every change). */
    static BundleEventListener none() {
        return event -> { };
    }
}
