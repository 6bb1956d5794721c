package dev.chrysalis.sandbox.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * The worker's own Felix with the runtime bundles (SCR and its OSGi APIs) started; the SPI and Jackson are
 * exported by the system bundle from the worker's class path ({@link SharedPackages}).
 */
final class EmbeddedFramework {
    private final Felix felix;

    private EmbeddedFramework(Felix felix) {
        this.felix = felix;
    }

    static EmbeddedFramework start(WorkerConfig config) throws BundleException, java.io.IOException {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, config.frameworkCache().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put("felix.log.level", "1");
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SharedPackages.exports());
        Felix felix = new Felix(properties);
        felix.init();
        felix.start();
        BundleContext context = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : config.bundles()) {
            Bundle b = context.installBundle("reference:" + jar.toUri());
            if (SharedPackages.SHARED_BUNDLES.contains(b.getSymbolicName())) {
                b.uninstall(); // a stale build folder's copy of what the class path already shares: a second exporter
            } else {
                installed.add(b);
            }
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        return new EmbeddedFramework(felix);
    }

    BundleContext context() {
        return felix.getBundleContext();
    }

    Bundle systemBundle() {
        return felix;
    }

    void stop() {
        try {
            felix.stop();
            felix.waitForStop(2000);
        } catch (BundleException | InterruptedException e) {
            System.err.println("worker: framework did not stop cleanly: " + e);
        }
    }
}
