package dev.chrysalis.host.shell;

import dev.chrysalis.directory.BundleTrial;
import dev.chrysalis.directory.Directory;
import dev.chrysalis.directory.DirectoryException;
import dev.chrysalis.directory.DirectorySource;
import dev.chrysalis.directory.InstallRefusedException;
import dev.chrysalis.directory.InstallReport;
import dev.chrysalis.directory.cli.DirectoryCli;
import dev.chrysalis.directory.keys.TrustedKeys;
import dev.chrysalis.directory.resolve.BaseEnvironment;
import dev.chrysalis.directory.resolve.Resolver;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.capability.CapabilityScanException;
import dev.chrysalis.governance.capability.TrustTier;
import dev.chrysalis.host.runtime.PluginRuntime;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The directory's command line as the host runs it: {@code install}, {@code upgrade} and {@code remove} go through
 * the same checks with a {@link RuntimePluginInstaller} (so the plugin runtime serves what was installed), every
 * other command is the directory's own. {@code home} is the host's data directory unless {@code --home} says
 * otherwise. Exit status as the directory's: 0 done, 1 refused or failed, 2 bad usage.
 */
public final class DirectoryInstalls {
    private static final Set<String> CHANGES = Set.of("install", "upgrade", "remove");
    private static final Set<String> FLAGS = Set.of("force", "dry-run");
    private static final Set<String> VALUED = Set.of("home", "index", "trusted");

    private DirectoryInstalls() {
    }

    /** @param trial the sandbox trial an {@code untrusted} bundle must pass before it is installed, where the host has one */
    public static int run(List<String> words, Path dataDir, Optional<PluginRuntime> runtime, Optional<BundleTrial> trial,
                          PrintStream out, PrintStream err) {
        List<String> argv = new ArrayList<>(words);
        boolean hasHome = argv.stream().anyMatch(w -> w.equals("--home") || w.startsWith("--home="));
        if (!hasHome && !argv.isEmpty()) {
            argv.add("--home");
            argv.add(dataDir.toString());
        }
        Optional<Parsed> parsed = argv.isEmpty() || !CHANGES.contains(argv.getFirst()) ? Optional.empty() : parse(argv);
        if (parsed.isEmpty()) {
            // every other command, and anything this does not parse (the directory explains its own usage)
            return DirectoryCli.run(out, err, argv.toArray(String[]::new));
        }
        Parsed a = parsed.get();
        Path home = Path.of(a.options.get("home"));
        RuntimePluginInstaller installer = new RuntimePluginInstaller(home.resolve("plugins"), runtime);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            Directory directory = new Directory(
                    DirectorySource.of(a.options.getOrDefault("index", home.resolve("directory").toString()), http),
                    TrustedKeys.load(Path.of(a.options.getOrDefault("trusted", home.resolve("trusted-keys.json").toString()))),
                    installer, new Resolver(BaseEnvironment.chrysalisHost()), new BytecodeScanner(CapabilityRules.standard()),
                    TrustTier::defaultCapabilities, Clock.systemUTC(), trial);
            boolean force = a.options.containsKey("force");
            boolean dryRun = a.options.containsKey("dry-run");
            String id = a.positional.getFirst();
            Optional<String> version = a.positional.size() > 1 ? Optional.of(a.positional.get(1)) : Optional.empty();
            InstallReport report = switch (a.command) {
                case "install" -> directory.install(id, version, force, dryRun);
                case "upgrade" -> directory.upgrade(id, version, force, dryRun);
                default -> directory.remove(id, force, dryRun);
            };
            report.describe().forEach(out::println);
            installer.notes().forEach(n -> out.println("runtime: " + n));
            return 0;
        } catch (InstallRefusedException e) {
            err.println("refused (" + e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-') + "): " + e.getMessage());
            return 1;
        } catch (DirectoryException | CapabilityScanException e) {
            err.println("directory " + a.command + ": " + e.getMessage());
            return 1;
        }
    }

    private record Parsed(String command, List<String> positional, Map<String, String> options) {
    }

    /** Only the options install/upgrade/remove take; anything else is left to the directory's own parser. */
    private static Optional<Parsed> parse(List<String> argv) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < argv.size(); i++) {
            String s = argv.get(i);
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (FLAGS.contains(name) && value == null) {
                    options.put(name, "true");
                } else if (VALUED.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.size()) {
                            return Optional.empty();
                        }
                        value = argv.get(++i);
                    }
                    options.put(name, value);
                } else {
                    return Optional.empty();
                }
            } else {
                positional.add(s);
            }
        }
        int maxPositional = argv.getFirst().equals("remove") ? 1 : 2;
        if (positional.isEmpty() || positional.size() > maxPositional || !options.containsKey("home")) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(argv.getFirst(), positional, options));
    }
}
