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

/** The worker's own Felix with the runtime bundles (SPI, Jackson, SCR and its OSGi APIs) started. */
final class EmbeddedFramework {
    private final Felix felix;
    private final Bundle spi;

    private EmbeddedFramework(Felix felix, Bundle spi) {
        this.felix = felix;
        this.spi = spi;
    }

    static EmbeddedFramework start(WorkerConfig config) throws BundleException {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, config.frameworkCache().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put("felix.log.level", "1");
        Felix felix = new Felix(properties);
        felix.init();
        felix.start();
        BundleContext context = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : config.bundles()) {
            installed.add(context.installBundle("reference:" + jar.toUri()));
        }
        Bundle spi = null;
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
            if ("dev.chrysalis.spi".equals(b.getSymbolicName())) {
                spi = b;
            }
        }
        if (spi == null) {
            throw new BundleException("the worker's bundles do not include the SPI bundle dev.chrysalis.spi: " + config.bundles());
        }
        return new EmbeddedFramework(felix, spi);
    }

    BundleContext context() {
        return felix.getBundleContext();
    }

    Bundle spi() {
        return spi;
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
