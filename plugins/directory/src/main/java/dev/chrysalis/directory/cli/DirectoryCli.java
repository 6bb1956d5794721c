package dev.chrysalis.directory.cli;

import dev.chrysalis.directory.Directory;
import dev.chrysalis.directory.DirectoryException;
import dev.chrysalis.directory.DirectorySource;
import dev.chrysalis.directory.InstallRefusedException;
import dev.chrysalis.directory.InstallReport;
import dev.chrysalis.directory.Publisher;
import dev.chrysalis.directory.Verification;
import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.index.RepositoryXml;
import dev.chrysalis.directory.install.FolderPluginInstaller;
import dev.chrysalis.directory.install.InstalledBundle;
import dev.chrysalis.directory.keys.KeyStoreFolder;
import dev.chrysalis.directory.keys.PublisherKey;
import dev.chrysalis.directory.keys.TrustedKeys;
import dev.chrysalis.directory.resolve.BaseEnvironment;
import dev.chrysalis.directory.resolve.Resolver;
import dev.chrysalis.directory.server.DirectoryServer;
import dev.chrysalis.directory.skills.AgentSkills;
import dev.chrysalis.directory.skills.InstructionSkill;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.TrustTier;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code directory <command>}: the command line of the plugin directory. The host wires
 * {@code ./chrysalis directory ...} and the shell's {@code /market} to {@link #run}. Exit status: 0 done,
 * 1 refused or failed (one line naming the problem, then details), 2 bad usage.
 */
public final class DirectoryCli {
    public static final String USAGE = """
            usage: directory <command> [options]
              search [words...]                 newest version of each bundle matching every word
              show <id>                         every version of a bundle with its scorecard
              verify [id [version]]             check key, signature, hash, manifest and capability scan
              install <id> [version]            verify, resolve (dry run), scan, then install
              upgrade <id> [version]            move an installed bundle to the newest (or given) version
              remove <id>                       uninstall (refused if others need its packages)
              installed                         list installed bundles
              publish <jar>...                  sign and add jars to a directory folder (--dir, --key)
              serve                             serve a directory folder over HTTP (--dir, --port 0 = any)
              keygen <name>                     new Ed25519 publisher key in --keys (--trust adds it to trusted keys)
              trust <name> <public.pem>         trust a publisher key up to --tier
              distrust <key-id>                 stop trusting a publisher key
              repository                        print the index as an OSGi Repository XML
              import-skill <folder>             import an Agent Skills folder (SKILL.md + resources, no Java)
              export-skill <jar> <out-folder>   write a skill bundle's SKILL.md as an Agent Skills folder
              skills                            list imported instructions-only skills
            options:
              --home DIR        default root for the others (default ~/.chrysalis)
              --index URL|PATH  index to read (default <home>/directory); http://host:port/ for a served one
              --plugins DIR     plugins folder (default <home>/plugins)
              --keys DIR        publisher keys (default <home>/keys)
              --trusted FILE    trusted keys (default <home>/trusted-keys.json)
              --dir DIR         directory folder to publish into or serve (default <home>/directory)
              --key NAME        publisher key name for publish (default 'publisher')
              --tier TIER       untrusted|community|verified|core (publish: claimed; trust: highest allowed)
              --replay-cases N  --pass-rate R  --lineage ID,ID    scorecard for publish
              --port N  --host H                   serve address (default 0 and localhost)
              --force           allow downgrades and removals that break others; replace on import
              --dry-run         show the plan, change nothing
              --replace         publish over an existing id+version with a different jar
            """;
    private static final Set<String> FLAGS = Set.of("force", "dry-run", "replace", "trust");
    private static final Set<String> VALUED = Set.of("home", "index", "plugins", "keys", "trusted", "dir", "key",
            "tier", "replay-cases", "pass-rate", "lineage", "port", "host");

    private final Clock clock;
    private final HttpClient http;

    public DirectoryCli(Clock clock, HttpClient http) {
        this.clock = clock;
        this.http = http;
    }

    /** Runs one command with the system clock and a fresh HTTP client; returns the exit status. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            return new DirectoryCli(Clock.systemUTC(), http).execute(out, err, args);
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String m) {
            super(m);
        }
    }

    private record Args(String command, List<String> positional, Map<String, String> options) {
        boolean flag(String f) {
            return options.containsKey(f);
        }

        Optional<String> opt(String o) {
            return Optional.ofNullable(options.get(o));
        }

        String arg(int i, String what) {
            if (positional.size() <= i) {
                throw new UsageException(command + ": missing " + what);
            }
            return positional.get(i);
        }

        Optional<String> optArg(int i) {
            return positional.size() > i ? Optional.of(positional.get(i)) : Optional.empty();
        }
    }

    public int execute(PrintStream out, PrintStream err, String... argv) {
        Args a;
        try {
            a = parse(argv);
        } catch (UsageException e) {
            err.println("directory: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            return dispatch(a, out, err);
        } catch (UsageException e) {
            err.println("directory " + a.command() + ": " + e.getMessage());
            return 2;
        } catch (InstallRefusedException e) {
            err.println("refused (" + e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-') + "): " + e.getMessage());
            return 1;
        } catch (DirectoryException | dev.chrysalis.governance.capability.CapabilityScanException e) {
            err.println("directory " + a.command() + ": " + e.getMessage());
            return 1;
        }
    }

    private static Args parse(String[] argv) {
        if (argv.length == 0) {
            throw new UsageException("no command");
        }
        List<String> pos = new ArrayList<>();
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--") && s.length() > 2) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (FLAGS.contains(name)) {
                    if (value != null) {
                        throw new UsageException("--" + name + " takes no value");
                    }
                    opts.put(name, "true");
                } else if (VALUED.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = argv[++i];
                    }
                    opts.put(name, value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                pos.add(s);
            }
        }
        return new Args(argv[0], pos, opts);
    }

    private Path home(Args a) {
        return Path.of(a.opt("home").orElse(System.getProperty("user.home") + "/.chrysalis"));
    }

    private Path path(Args a, String opt, String under) {
        return a.opt(opt).map(Path::of).orElseGet(() -> home(a).resolve(under));
    }

    private TrustTier tier(Args a, TrustTier dflt) {
        return a.opt("tier").map(t -> TrustTier.byId(t).orElseThrow(() -> new UsageException("--tier '" + t
                + "' is not untrusted, community, verified or core"))).orElse(dflt);
    }

    private Directory directory(Args a) {
        DirectorySource source = DirectorySource.of(a.opt("index").orElse(home(a).resolve("directory").toString()), http);
        return new Directory(source, TrustedKeys.load(path(a, "trusted", "trusted-keys.json")),
                new FolderPluginInstaller(path(a, "plugins", "plugins")), new Resolver(BaseEnvironment.chrysalisHost()),
                new BytecodeScanner(CapabilityRules.standard()), TrustTier::defaultCapabilities, clock);
    }

    private int dispatch(Args a, PrintStream out, PrintStream err) {
        switch (a.command()) {
            case "search" -> {
                Directory d = directory(a);
                DirectoryIndex index = d.index();
                List<IndexEntry> hits = index.search(String.join(" ", a.positional()));
                hits.forEach(e -> out.println(line(e)));
                if (hits.isEmpty()) {
                    out.println("(nothing matches '" + String.join(" ", a.positional()) + "' in " + d.source().uri() + ")");
                }
                index.problems().forEach(p -> err.println("index problem: " + p));
                return 0;
            }
            case "show" -> {
                List<IndexEntry> versions = directory(a).show(a.arg(0, "bundle id"));
                for (IndexEntry e : versions) {
                    show(e, out);
                }
                return 0;
            }
            case "verify" -> {
                return verify(a, out, err);
            }
            case "install", "upgrade" -> {
                Directory d = directory(a);
                String id = a.arg(0, "bundle id");
                InstallReport r = a.command().equals("install")
                        ? d.install(id, a.optArg(1), a.flag("force"), a.flag("dry-run"))
                        : d.upgrade(id, a.optArg(1), a.flag("force"), a.flag("dry-run"));
                r.describe().forEach(out::println);
                return 0;
            }
            case "remove" -> {
                InstallReport r = directory(a).remove(a.arg(0, "bundle id"), a.flag("force"), a.flag("dry-run"));
                r.describe().forEach(out::println);
                return 0;
            }
            case "installed" -> {
                List<InstalledBundle> all = new FolderPluginInstaller(path(a, "plugins", "plugins")).installed();
                all.forEach(b -> out.println(b.id() + " " + b.version() + "  [" + b.tier() + "]  " + b.sha256().substring(0, 12)
                        + "  " + b.fileName()));
                if (all.isEmpty()) {
                    out.println("(nothing installed by the directory)");
                }
                return 0;
            }
            case "publish" -> {
                if (a.positional().isEmpty()) {
                    throw new UsageException("missing jar file(s)");
                }
                TrustTier claimed = tier(a, TrustTier.COMMUNITY);
                Publisher.Options o = new Publisher.Options(claimed,
                        a.opt("replay-cases").map(v -> OptionalInt.of(integer(v, "--replay-cases"))).orElse(OptionalInt.empty()),
                        a.opt("pass-rate").map(v -> OptionalDouble.of(rate(v))).orElse(OptionalDouble.empty()),
                        a.opt("lineage").map(v -> List.of(v.split(",")).stream().map(String::strip)
                                .filter(s -> !s.isEmpty()).toList()).orElse(List.of()), a.flag("replace"));
                PublisherKey key = new KeyStoreFolder(path(a, "keys", "keys")).load(a.opt("key").orElse("publisher"));
                Publisher p = new Publisher(path(a, "dir", "directory"), key, new BytecodeScanner(CapabilityRules.standard()),
                        clock);
                int failed = 0;
                for (String jar : a.positional()) {
                    try {
                        IndexEntry e = p.publish(Path.of(jar), o);
                        out.println("published " + e.coordinates() + " [" + e.trustTier() + "] " + e.sha256().substring(0, 12)
                                + " signed by " + e.publisherKeyId());
                    } catch (DirectoryException | dev.chrysalis.governance.capability.CapabilityScanException e) {
                        failed++;
                        err.println("directory publish: " + e.getMessage());
                    }
                }
                if (failed > 0 && a.positional().size() > 1) {
                    err.println(failed + " of " + a.positional().size() + " jars not published");
                }
                return failed == 0 ? 0 : 1;
            }
            case "serve" -> {
                int port = integer(a.opt("port").orElse("0"), "--port");
                try (DirectoryServer s = DirectoryServer.start(path(a, "dir", "directory"), a.opt("host").orElse("localhost"),
                        port)) {
                    out.println("serving " + s.folder() + " at " + s.uri() + "index.json (Ctrl-C stops)");
                    out.flush();
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            }
            case "keygen" -> {
                String name = a.arg(0, "key name");
                KeyStoreFolder keys = new KeyStoreFolder(path(a, "keys", "keys"));
                PublisherKey k = keys.generate(name);
                out.println("generated " + k.keyId() + " in " + keys.dir().resolve(name + ".key.pem") + " and .pub.pem");
                if (a.flag("trust")) {
                    TrustedKeys t = TrustedKeys.load(path(a, "trusted", "trusted-keys.json"));
                    t.trust(name, k.publicKey(), tier(a, TrustTier.COMMUNITY));
                    out.println("trusted " + k.keyId() + " up to tier " + tier(a, TrustTier.COMMUNITY).id());
                }
                return 0;
            }
            case "trust" -> {
                String name = a.arg(0, "key name");
                var pub = KeyStoreFolder.readPublic(Path.of(a.arg(1, "public key PEM file")));
                TrustedKeys.Trusted t = TrustedKeys.load(path(a, "trusted", "trusted-keys.json"))
                        .trust(name, pub, tier(a, TrustTier.COMMUNITY));
                out.println("trusted " + t.keyId() + " (" + name + ") up to tier " + t.maxTier().id());
                return 0;
            }
            case "distrust" -> {
                String keyId = a.arg(0, "key id");
                boolean removed = TrustedKeys.load(path(a, "trusted", "trusted-keys.json")).distrust(keyId);
                if (!removed) {
                    throw new DirectoryException("key " + keyId + " is not a trusted key");
                }
                out.println("no longer trusting " + keyId);
                return 0;
            }
            case "repository" -> {
                Directory d = directory(a);
                DirectoryIndex index = d.index();
                out.print(RepositoryXml.write(d.source().uri().toString(), clock.instant(), index.entries()));
                index.problems().forEach(p -> err.println("index problem: " + p));
                return 0;
            }
            case "import-skill" -> {
                InstructionSkill s = new AgentSkills(path(a, "plugins", "plugins"), clock)
                        .importFolder(Path.of(a.arg(0, "skill folder")), a.flag("force"));
                out.println("imported instructions-only skill '" + s.name() + "' (" + s.resources().size()
                        + " resource files) into " + s.folder());
                return 0;
            }
            case "export-skill" -> {
                Path jar = Path.of(a.arg(0, "skill jar"));
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(jar);
                } catch (IOException e) {
                    throw new DirectoryException("cannot read " + jar + ": " + e.getMessage(), e);
                }
                Path file = new AgentSkills(path(a, "plugins", "plugins"), clock).exportSkill(bytes, jar.toString(),
                        Path.of(a.arg(1, "output folder")));
                out.println("wrote " + file);
                return 0;
            }
            case "skills" -> {
                List<InstructionSkill> all = new AgentSkills(path(a, "plugins", "plugins"), clock).list();
                all.forEach(s -> out.println(s.name() + "  " + s.description()));
                if (all.isEmpty()) {
                    out.println("(no instructions-only skills imported)");
                }
                return 0;
            }
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                return 0;
            }
            default -> throw new UsageException("unknown command '" + a.command() + "' (try 'directory help')");
        }
    }

    private int verify(Args a, PrintStream out, PrintStream err) {
        Directory d = directory(a);
        DirectoryIndex index = d.index();
        List<IndexEntry> entries = a.positional().isEmpty() ? index.entries()
                : List.of(d.entry(index, a.positional().get(0), a.optArg(1)));
        int bad = 0;
        for (IndexEntry e : entries) {
            try {
                Verification v = d.verify(e);
                if (v.verdict() instanceof CapabilityVerdict.Unsafe u) {
                    bad++;
                    out.println("UNSAFE  " + e.coordinates() + " under tier " + v.tier().id() + ": " + String.join("; ", u.reasons()));
                } else {
                    out.println("OK      " + e.coordinates() + " signed by " + v.key().name() + " (" + v.key().keyId()
                            + "), tier " + v.tier().id() + ", sha256 " + e.sha256().substring(0, 12));
                }
            } catch (InstallRefusedException ex) {
                bad++;
                out.println("FAILED  " + e.coordinates() + " (" + ex.reason().name().toLowerCase(Locale.ROOT) + "): " + ex.getMessage());
            }
        }
        for (var p : index.problems()) {
            bad++;
            out.println("BROKEN  " + p);
        }
        out.println(entries.size() + " checked, " + bad + " problem(s)");
        return bad == 0 ? 0 : 1;
    }

    private static void show(IndexEntry e, PrintStream out) {
        out.println(e.id() + " " + e.version() + " - " + e.name());
        if (!e.description().isBlank()) {
            out.println("  description: " + e.description());
        }
        if (!e.summary().isBlank()) {
            out.println("  summary:     " + e.summary());
        }
        out.println("  tier:        " + e.trustTier() + "   publisher: " + e.publisherKeyId() + "   published: " + e.publishedAt());
        out.println("  sha256:      " + e.sha256() + " (" + e.size() + " bytes) at " + e.location());
        var sc = e.scorecard();
        out.println("  scorecard:   replay " + (sc.replayCases().isPresent() ? sc.replayCases().getAsInt() + " cases" : "not run")
                + (sc.passRate().isPresent() ? String.format(Locale.ROOT, ", %.1f%% passed", sc.passRate().getAsDouble() * 100) : "")
                + "; scan " + sc.scan().verdict() + " (declares " + list(sc.scan().declared()) + ", uses " + list(sc.scan().used())
                + ")" + (sc.lineage().isEmpty() ? "" : "; lineage " + String.join(", ", sc.lineage())));
        e.exports().forEach(x -> out.println("  exports:     " + x));
        e.imports().forEach(x -> out.println("  imports:     " + x));
        e.provides().forEach(x -> out.println("  provides:    " + x));
        e.requires().forEach(x -> out.println("  requires:    " + x));
    }

    private static String list(List<String> l) {
        return l.isEmpty() ? "nothing" : String.join(", ", l);
    }

    private static String line(IndexEntry e) {
        String s = e.summary().isBlank() ? e.description() : e.summary();
        return String.format(Locale.ROOT, "%-40s %-14s %-10s %s", e.id(), e.version(), e.trustTier(),
                s.length() > 80 ? s.substring(0, 77) + "..." : s);
    }

    private static int integer(String v, String opt) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " '" + v + "' is not a whole number");
        }
    }

    private static double rate(String v) {
        try {
            double r = Double.parseDouble(v.strip());
            if (r < 0 || r > 1) {
                throw new UsageException("--pass-rate " + v + " is outside 0..1");
            }
            return r;
        } catch (NumberFormatException e) {
            throw new UsageException("--pass-rate '" + v + "' is not a number from 0 to 1");
        }
    }
}
