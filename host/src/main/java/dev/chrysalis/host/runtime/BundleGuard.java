package dev.chrysalis.host.runtime;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.CapabilityDeclaration;
import dev.chrysalis.sandbox.guard.Gate;
import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.sandbox.guard.GuardConfig;
import dev.chrysalis.sandbox.guard.Permits;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.guard.Violation;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The sandbox's guard ({@link Guard}, the same rules the trial workers enforce) in the live host, per bundle:
 * each plugin bundle's class loader is registered with the {@link Permits} its {@value CapabilityDeclaration#HEADER}
 * manifest header declares, so a bundle may do only what it declared. Host code, Felix and the JDK are not
 * sandboxed; base bundles (SCR, OSGi APIs) neither.
 *
 * <p>The guard needs the agent in the JVM: {@code -Xbootclasspath/a:<sandbox guard-boot jar>} and
 * {@code -javaagent:<guard-agent jar>} (the launcher and the host's tests pass both). Without them
 * {@link #shared()} is empty and plugins run unguarded, which the runtime logs once.
 *
 * <p>The advice inlined into the JDK reaches the guard through {@link Gate}'s one static field, so there is
 * one guard per JVM, shared by every runtime in it (tests start many). That is why this class keeps it in a
 * static; the accessor is package-private so plugin code cannot reach it without reflection, which the
 * guard denies.
 */
final class BundleGuard {
    private static final System.Logger LOG = System.getLogger(BundleGuard.class.getName());
    /** Threads plugin code may have running at once in the whole host. */
    private static final int HOST_THREAD_CAP = 4096;
    private static Guard installed;
    private static boolean warned;

    /** What each capability exempts from; file capabilities are given as roots instead (see {@link #permits}). */
    private static final Map<Capability, Set<Rule>> EXEMPTIONS = Map.of(
            Capability.NET, Set.of(Rule.NETWORK),
            Capability.PROCESS, Set.of(Rule.PROCESS),
            Capability.NATIVE, Set.of(Rule.NATIVE),
            Capability.REFLECTION, Set.of(Rule.REFLECTION, Rule.UNSAFE),
            Capability.ENV, Set.of(Rule.ENVIRONMENT),
            Capability.EXIT, Set.of(Rule.EXIT),
            Capability.CLASSLOADER, Set.of(Rule.CLASSLOADER),
            Capability.FS_READ, Set.of(),
            Capability.FS_WRITE, Set.of());

    private BundleGuard() {
    }

    /** The JVM's guard, installed on first use; empty when the guard agent is not in this JVM. */
    static synchronized Optional<Guard> shared() {
        if (installed != null) {
            return Optional.of(installed);
        }
        if (Gate.class.getClassLoader() != null || !agentLoaded()) {
            if (!warned) {
                warned = true;
                LOG.log(System.Logger.Level.WARNING, "the capability guard agent is not in this JVM (start it with"
                        + " -Xbootclasspath/a:<guard-boot jar> -javaagent:<guard-agent jar>, as ./chrysalis does);"
                        + " plugins run without their declared capabilities enforced");
            }
            return Optional.empty();
        }
        if (Gate.installed()) {
            // someone else (a trial worker's main) owns the gate in this JVM
            return Optional.empty();
        }
        List<Path> runtimeRoots = new ArrayList<>();
        runtimeRoots.add(Path.of(System.getProperty("java.home")));
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                runtimeRoots.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        // No loader is registered with scratch-only permits in the host, so the scratch folder is never granted.
        Path unusedScratch = Path.of(System.getProperty("java.io.tmpdir"), "chrysalis-no-scratch");
        Guard guard = new Guard(GuardConfig.standard(unusedScratch, runtimeRoots, HOST_THREAD_CAP), v -> { });
        Gate.install(guard);
        installed = guard;
        return Optional.of(guard);
    }

    /** Whether this JVM was started with the guard agent. */
    private static boolean agentLoaded() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:") && a.contains("guard-agent"));
    }

    /**
     * The permits a bundle's declared capabilities give: {@code fs.read} reads and {@code fs.write} writes the
     * workspaces; every bundle may read the runtime's own folders (its bundle cache and jars); the other
     * capabilities lift their rule. Rules with no capability (system properties beyond the harmless ones,
     * replacing standard streams, attach/JMX, deserialization, the framework's lifecycle) always apply.
     */
    static Permits permits(String holder, Set<Capability> declared, List<Path> workspaces, List<Path> runtimeFolders,
                           Consumer<Violation> witness) {
        EnumSet<Rule> granted = EnumSet.noneOf(Rule.class);
        for (Capability c : declared) {
            granted.addAll(EXEMPTIONS.get(c));
        }
        List<Path> read = new ArrayList<>(runtimeFolders);
        if (declared.contains(Capability.FS_READ)) {
            read.addAll(workspaces);
        }
        List<Path> write = declared.contains(Capability.FS_WRITE) ? workspaces : List.of();
        return new Permits(holder, granted, read, write, witness, false);
    }
}
