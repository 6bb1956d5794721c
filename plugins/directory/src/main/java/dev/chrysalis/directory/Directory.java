package dev.chrysalis.directory;

import dev.chrysalis.directory.InstallRefusedException.Reason;
import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.index.IndexCodec;
import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.install.InstalledBundle;
import dev.chrysalis.directory.install.PluginInstaller;
import dev.chrysalis.directory.keys.PublisherKey;
import dev.chrysalis.directory.keys.TrustedKeys;
import dev.chrysalis.directory.osgi.BundleMetadata;
import dev.chrysalis.directory.osgi.ManifestFormatException;
import dev.chrysalis.directory.osgi.Version;
import dev.chrysalis.directory.resolve.ResolutionPlan;
import dev.chrysalis.directory.resolve.Resolver;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.CapabilityCheck;
import dev.chrysalis.governance.capability.CapabilityScanException;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.ScanReport;
import dev.chrysalis.governance.capability.TrustTier;
import dev.chrysalis.governance.policy.BundleFormatException;
import dev.chrysalis.governance.policy.BundleJar;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The directory as a host sees it: search and show an index, verify entries, and install, upgrade or remove
 * bundles through a {@link PluginInstaller}. Every install or upgrade checks, in order: the publisher key is
 * trusted, the entry's Ed25519 signature is good, the jar's SHA-256 and manifest match the entry, the version is
 * not a downgrade (unless forced), the resolver dry run is satisfied, and the governance capability scan is safe
 * under the entry's tier capped by the key's tier; an {@code untrusted} bundle is then trialled by the
 * {@link BundleTrial} when the host has one. Only then is the installer called.
 */
public final class Directory {
    private static final System.Logger LOG = System.getLogger(Directory.class.getName());
    private final DirectorySource source;
    private final TrustedKeys trusted;
    private final PluginInstaller installer;
    private final Resolver resolver;
    private final BytecodeScanner scanner;
    private final Function<TrustTier, Set<Capability>> tierAllows;
    private final Clock clock;
    private final Optional<BundleTrial> trial;
    private final IndexCodec codec = new IndexCodec();

    /** @param tierAllows what each tier may declare: {@link TrustTier#defaultCapabilities()} or a policy's tier rules */
    public Directory(DirectorySource source, TrustedKeys trusted, PluginInstaller installer, Resolver resolver,
                     BytecodeScanner scanner, Function<TrustTier, Set<Capability>> tierAllows, Clock clock) {
        this(source, trusted, installer, resolver, scanner, tierAllows, clock, Optional.empty());
    }

    /** @param trial run before an {@code untrusted} bundle is installed (the host's sandbox), when there is one */
    public Directory(DirectorySource source, TrustedKeys trusted, PluginInstaller installer, Resolver resolver,
                     BytecodeScanner scanner, Function<TrustTier, Set<Capability>> tierAllows, Clock clock,
                     Optional<BundleTrial> trial) {
        this.trial = trial;
        this.source = source;
        this.trusted = trusted;
        this.installer = installer;
        this.resolver = resolver;
        this.scanner = scanner;
        this.tierAllows = tierAllows;
        this.clock = clock;
    }

    public DirectorySource source() {
        return source;
    }

    public PluginInstaller installer() {
        return installer;
    }

    /** The index as it is now (read afresh each call, so a served directory's new entries show up). */
    public DirectoryIndex index() {
        DirectoryIndex index = source.load();
        index.problems().forEach(p -> LOG.log(System.Logger.Level.DEBUG, source.uri() + ": " + p));
        return index;
    }

    public List<IndexEntry> search(String query) {
        return index().search(query);
    }

    /** Every version of {@code id}, newest first; @throws InstallRefusedException NOT_FOUND when there is none */
    public List<IndexEntry> show(String id) {
        List<IndexEntry> versions = index().versions(id);
        if (versions.isEmpty()) {
            throw new InstallRefusedException(Reason.NOT_FOUND, "no bundle '" + id + "' in the directory " + source.uri());
        }
        return versions;
    }

    /** The entry for {@code id} at {@code version}, or its newest. */
    public IndexEntry entry(DirectoryIndex index, String id, Optional<String> version) {
        Optional<IndexEntry> e = version.isPresent() ? index.find(id, Version.parse(version.get(), id).toString())
                : index.latest(id);
        return e.orElseThrow(() -> new InstallRefusedException(Reason.NOT_FOUND, "no bundle '" + id + "'"
                + version.map(v -> " version " + v).orElse("") + " in the directory " + source.uri()
                + (index.versions(id).isEmpty() ? "" : " (versions: " + String.join(", ",
                index.versions(id).stream().map(x -> x.version().toString()).toList()) + ")")));
    }

    /**
     * Fetches the entry's jar and checks key, signature, hash and manifest, then scans its bytecode.
     *
     * @throws InstallRefusedException UNKNOWN_KEY, BAD_SIGNATURE, HASH_MISMATCH, MANIFEST_MISMATCH or UNREADABLE
     */
    public Verification verify(IndexEntry e) {
        String what = e.coordinates();
        TrustedKeys.Trusted key = trusted.find(e.publisherKeyId()).orElseThrow(() -> new InstallRefusedException(
                Reason.UNKNOWN_KEY, what + " is signed by key " + e.publisherKeyId()
                + ", which is not a trusted key; trust it first ('directory trust <name> <public-key.pem> --tier <tier>')"));
        if (!PublisherKey.verify(key.publicKey(), codec.canonical(e), e.signature())) {
            throw new InstallRefusedException(Reason.BAD_SIGNATURE, what + ": the index entry's signature does not verify"
                    + " with key " + key.keyId() + " (" + key.name() + "); the entry was changed after signing or signed by another key");
        }
        byte[] jar = source.fetch(e);
        String sha = BundleJar.sha256(jar);
        if (!sha.equals(e.sha256())) {
            throw new InstallRefusedException(Reason.HASH_MISMATCH, what + ": the jar at " + source.locate(e)
                    + " has SHA-256 " + sha + " (" + jar.length + (jar.length > e.size() ? "+" : "") + " bytes) but the signed entry says "
                    + e.sha256() + " (" + e.size() + " bytes); refusing a tampered or wrong jar");
        }
        BundleMetadata meta;
        BundleJar bundle;
        try {
            meta = BundleMetadata.read(jar, what);
            bundle = BundleJar.of(jar, what);
        } catch (ManifestFormatException | BundleFormatException ex) {
            throw new InstallRefusedException(Reason.UNREADABLE, ex.getMessage());
        }
        if (!meta.symbolicName().equals(e.id()) || !meta.version().equals(e.version())) {
            throw new InstallRefusedException(Reason.MANIFEST_MISMATCH, what + ": the jar's manifest says "
                    + meta.symbolicName() + " " + meta.version() + ", not what the entry says");
        }
        TrustTier claimed = TrustTier.byId(e.trustTier()).orElseThrow();
        TrustTier tier = claimed.ordinal() <= key.maxTier().ordinal() ? claimed : key.maxTier();
        ScanReport scan;
        try {
            scan = scanner.scan(jar, what);
        } catch (CapabilityScanException ex) {
            throw new InstallRefusedException(Reason.UNREADABLE, ex.getMessage());
        }
        CapabilityVerdict verdict = CapabilityCheck.check(scan, bundle.declared(), tierAllows.apply(tier));
        return new Verification(e, jar, meta, key, tier, verdict);
    }

    /**
     * Installs {@code id} (its newest version, or {@code version}). When it is already installed this is an
     * upgrade; an older version is a downgrade and is refused unless {@code force}.
     */
    public InstallReport install(String id, Optional<String> version, boolean force, boolean dryRun) {
        DirectoryIndex index = index();
        IndexEntry e = entry(index, id, version);
        Optional<InstalledBundle> current = installer.find(id);
        if (current.isPresent() && current.get().version().equals(e.version().toString())) {
            if (current.get().sha256().equals(e.sha256())) {
                throw new InstallRefusedException(Reason.ALREADY_INSTALLED, id + " " + e.version() + " is already installed");
            }
        }
        return apply(e, current, force, dryRun);
    }

    /** Moves an installed bundle to the newest version in the index (or {@code version}). */
    public InstallReport upgrade(String id, Optional<String> version, boolean force, boolean dryRun) {
        InstalledBundle current = installer.find(id).orElseThrow(() -> new InstallRefusedException(Reason.NOT_INSTALLED,
                id + " is not installed; use install"));
        DirectoryIndex index = index();
        IndexEntry e = entry(index, id, version);
        if (e.version().toString().equals(current.version()) && e.sha256().equals(current.sha256())) {
            throw new InstallRefusedException(Reason.ALREADY_INSTALLED, id + " " + current.version()
                    + " is installed and is the " + (version.isPresent() ? "requested" : "newest") + " version");
        }
        return apply(e, Optional.of(current), force, dryRun);
    }

    private InstallReport apply(IndexEntry e, Optional<InstalledBundle> current, boolean force, boolean dryRun) {
        String action = "install";
        if (current.isPresent()) {
            Version installed = Version.parse(current.get().version(), current.get().id() + " installed version");
            int cmp = e.version().compareTo(installed);
            action = cmp > 0 ? "upgrade" : cmp == 0 ? "reinstall" : "downgrade";
            if (cmp < 0 && !force) {
                throw new InstallRefusedException(Reason.DOWNGRADE, e.id() + ": " + e.version()
                        + " is older than the installed " + installed + "; refusing a downgrade (use --force to downgrade)");
            }
        }
        Verification v = verify(e);
        List<InstalledBundle> installed = installer.installed();
        ResolutionPlan plan = resolver.planInstall(v.metadata(), installed);
        if (!plan.unsatisfied().isEmpty()) {
            throw new InstallRefusedException(Reason.UNRESOLVED, e.coordinates() + " cannot be resolved", plan.unsatisfied());
        }
        if (!plan.breaks().isEmpty() && !force) {
            throw new InstallRefusedException(Reason.DEPENDENTS, e.coordinates()
                    + " would leave installed bundles unresolved (use --force to " + action + " anyway)", plan.breaks());
        }
        if (v.verdict() instanceof CapabilityVerdict.Unsafe u) {
            throw new InstallRefusedException(Reason.CAPABILITY, e.coordinates() + " fails the capability scan under tier "
                    + v.tier().id() + (v.tier().id().equals(e.trustTier()) ? "" : " (claims " + e.trustTier()
                    + ", key " + v.key().name() + " is trusted up to " + v.key().maxTier().id() + ")"), u.reasons());
        }
        Optional<String> trialled = Optional.empty();
        if (v.tier() == TrustTier.UNTRUSTED && trial.isPresent() && !dryRun) {
            switch (trial.get().trial(v)) {
                case BundleTrial.Outcome.Passed p -> trialled = Optional.of(p.summary());
                case BundleTrial.Outcome.Failed f -> throw new InstallRefusedException(Reason.TRIAL_FAILED,
                        e.coordinates() + " is untrusted and failed its sandbox trial", f.reasons());
            }
        }
        InstallReport report = new InstallReport(action, e.id(), current.map(InstalledBundle::version),
                Optional.of(e.version().toString()), Optional.of(v.tier()), Optional.of(v.verdict()), trialled, plan, !dryRun);
        if (dryRun) {
            return report;
        }
        InstalledBundle row = new InstalledBundle(e.id(), e.version().toString(), e.sha256(),
                e.id() + "-" + e.version() + ".jar", e.publisherKeyId(), v.tier().id(),
                v.metadata().imports().stream().map(Object::toString).toList(),
                v.metadata().exports().stream().map(Object::toString).toList(),
                Resolver.clauses(v.metadata().provided()), Resolver.clauses(v.metadata().required()), clock.instant());
        if (current.isPresent()) {
            installer.replace(current.get(), row, v.jar(), plan.refresh());
        } else {
            installer.install(row, v.jar());
        }
        LOG.log(System.Logger.Level.DEBUG, () -> String.join("; ", report.describe()));
        return report;
    }

    /** Removes an installed bundle; refused when another installed bundle needs a package only it exports, unless forced. */
    public InstallReport remove(String id, boolean force, boolean dryRun) {
        List<InstalledBundle> installed = installer.installed();
        InstalledBundle current = installed.stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> new InstallRefusedException(Reason.NOT_INSTALLED, id + " is not installed"));
        ResolutionPlan plan = resolver.planRemove(id, installed);
        if (!plan.breaks().isEmpty() && !force) {
            throw new InstallRefusedException(Reason.DEPENDENTS, "removing " + id + " " + current.version()
                    + " would leave installed bundles unresolved (use --force to remove anyway)", plan.breaks());
        }
        InstallReport report = new InstallReport("remove", id, Optional.of(current.version()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), plan, !dryRun);
        if (!dryRun) {
            installer.remove(current, plan.refresh());
        }
        return report;
    }
}
