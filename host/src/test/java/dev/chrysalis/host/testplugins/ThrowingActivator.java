package dev.chrysalis.host.testplugins;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** A Bundle-Activator that refuses to start (bad-jar case). */
public final class ThrowingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException("activator refuses to start");
    }

    @Override
    public void stop(BundleContext context) {
    }
}
