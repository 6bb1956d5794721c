package dev.chrysalis.host.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to start a {@link PluginRuntime}.
 *
 * @param dataDir           holds {@code felix-cache/} and {@code plugins/} (swapped jars and their history)
 * @param bundlesDir        the base bundles (SCR, OSGi APIs) and the shipped plugin bundles
 * @param listener          told about every swap, rollback and refusal
 * @param activationTimeout how long a starting plugin may take to register its services
 * @param drainTimeout      how long a swap waits for calls in flight on the old version before uninstalling it
 * @param workspaces        the folders plugins that declare {@code fs.read} may read and {@code fs.write} may write
 *                          (the agent's skill and hook workspaces)
 */
public record RuntimeConfig(Path dataDir, Path bundlesDir, Clock clock, BundleEventListener listener,
                            Duration activationTimeout, Duration drainTimeout, java.util.List<Path> workspaces) {

    /** The system property the launcher and the tests set to the provisioned bundles folder. */
    public static final String BUNDLES_PROPERTY = "chrysalis.bundles";

    public RuntimeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bundlesDir, "bundlesDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(activationTimeout, "activationTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        workspaces = java.util.List.copyOf(workspaces);
    }

    public static RuntimeConfig of(Path dataDir, Path bundlesDir) {
        return new RuntimeConfig(dataDir, bundlesDir, Clock.systemUTC(), BundleEventListener.none(),
                Duration.ofSeconds(5), Duration.ofSeconds(30), java.util.List.of(dataDir.resolve("workspace"), dataDir.resolve("hooks")));
    }

    /** The bundles folder named by {@value #BUNDLES_PROPERTY}, else {@code host/target/bundles}. */
    public static Path defaultBundlesDir() {
        String property = System.getProperty(BUNDLES_PROPERTY);
        return Path.of(property == null || property.isBlank() ? "host/target/bundles" : property);
    }

    public RuntimeConfig withClock(Clock newClock) {
        return new RuntimeConfig(dataDir, bundlesDir, newClock, listener, activationTimeout, drainTimeout, workspaces);
    }

    public RuntimeConfig withListener(BundleEventListener newListener) {
        return new RuntimeConfig(dataDir, bundlesDir, clock, newListener, activationTimeout, drainTimeout, workspaces);
    }

    public RuntimeConfig withActivationTimeout(Duration timeout) {
        return new RuntimeConfig(dataDir, bundlesDir, clock, listener, timeout, drainTimeout, workspaces);
    }

    public RuntimeConfig withDrainTimeout(Duration timeout) {
        return new RuntimeConfig(dataDir, bundlesDir, clock, listener, activationTimeout, timeout, workspaces);
    }

    public RuntimeConfig withWorkspaces(java.util.List<Path> newWorkspaces) {
        return new RuntimeConfig(dataDir, bundlesDir, clock, listener, activationTimeout, drainTimeout, newWorkspaces);
    }
}
