package dev.chrysalis.host.runtime;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.CapabilityDeclaration;
import dev.chrysalis.governance.capability.UnknownCapabilityException;
import dev.chrysalis.governance.promotion.CallRouting;
import dev.chrysalis.governance.promotion.Route;
import dev.chrysalis.governance.promotion.TrafficTap;
import dev.chrysalis.host.runtime.PluginStore.PluginState;
import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.sandbox.guard.Violation;
import dev.chrysalis.host.runtime.ServiceIndex.Entry;
import dev.chrysalis.host.runtime.ServiceIndex.Type;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The embedded Felix that runs the plugins, and the only place plugins are installed, swapped and rolled back.
 *
 * <h2>Hot swap: side by side, then an atomic cut-over, then drain</h2>
 * {@link #swap} never stops the running version before the new one is proven to work. It runs through the
 * {@link ChangeThread} (on a platform thread, never a carrier of the sessions' virtual threads) and
 * <ol>
 *   <li>checks the jar (a zip, a manifest, {@code Bundle-ManifestVersion: 2}, the same symbolic name as the
 *       plugin, a known plugin kind) and stores it under its SHA-256;</li>
 *   <li>installs it as a second bundle beside the live one (the framework allows several bundles with one
 *       symbolic name: {@code org.osgi.framework.bsnversion=multiple}), under the location
 *       {@code chrysalis:<bsn>@<sha256>}, and starts it: an unresolved import or a throwing activator fails
 *       here; then waits for it to register its services and obtains each one, which activates the DS
 *       components: a component whose constructor or activate method throws fails here;</li>
 *   <li>switches the plugin's live generation with one atomic write: every lookup after that point gets the
 *       new version's services; then records the new state on disk (if that fails, it switches back: the old
 *       generation is still fully there);</li>
 *   <li>retires the old generation and waits until the leases taken on it before the switch are closed
 *       (calls in flight finish on the old revision, whose classes are all still there); then the swap
 *       returns, and a background thread uninstalls the old bundle and refreshes only its wiring.</li>
 * </ol>
 * There is no moment without a live service, so concurrent callers never see a gap and never fail; a
 * refused jar is uninstalled and the live version was never touched. The lease handshake is in
 * {@link Generation}. Changes (swap, rollback) are serialized; lookups never block on them.
 * {@link SwapReport#phases()} times each step: {@code queue} (waiting for the change thread or a change under way),
 * {@code read} (read and check the jar), {@code store}, {@code install}, {@code guard} (resolve and register with the
 * capability guard), {@code start} (activator, DS components), {@code preload} (define its classes), {@code services},
 * {@code flip} (the cut-over), {@code record} (the state on disk) and {@code drain} (calls in flight on the old
 * version); the swap latency is their sum, from the call to the old version's last call ending.
 * {@link SwapReport#phaseCpu()} says what each cost the changing thread in CPU time.
 *
 * <h2>State</h2>
 * The framework's bundle cache is scratch, cleaned at every start: a private folder in memory ({@link ScratchCache}),
 * else {@code <dataDir>/felix-cache}; the truth is
 * {@code <dataDir>/plugins/<bsn>/} ({@link PluginStore}): at start the runtime installs the base bundles
 * (bundles without a {@code Chrysalis-Plugin-Kind} header), then for each plugin the live jar recorded there,
 * else the shipped jar from the bundles folder.
 *
 * <h2>Capabilities</h2>
 * Every plugin bundle runs under the sandbox's guard with the capabilities its {@value CapabilityDeclaration#HEADER}
 * header declares ({@link BundleGuard}); a refused use throws a {@code SandboxViolation} into the plugin's call
 * and is told to {@link #onGuardDenial} listeners.
 *
 * <h2>Promotions</h2>
 * A candidate can be {@linkplain #stage staged} beside the live version without serving ordinary calls. While
 * governance has installed a routing for a plugin ({@link #trafficTap()}), each skill call asks it where to go:
 * the live version, the candidate (a canary call), or the live version with a copy to the candidate (a shadow
 * call, whose answer is compared and never returned); every call's outcome is reported back to the routing,
 * whose gates may then swap or roll back. A {@link #swap} to the staged digest cuts over to the staged bundle.
 */
public final class PluginRuntime implements PluginServices, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PluginRuntime.class.getName());

    /** Bundles whose packages the system bundle exports instead (see {@link SystemPackages}); never installed. */
    private static final Set<String> SHARED_FROM_CLASSPATH = Set.of("dev.chrysalis.spi",
            "com.fasterxml.jackson.core.jackson-core", "com.fasterxml.jackson.core.jackson-databind",
            "com.fasterxml.jackson.core.jackson-annotations", "org.apache.felix.framework");

    private final RuntimeConfig config;
    private final Felix felix;
    private final BundleContext context;
    private final PluginStore store;
    private final ServiceIndex index;
    private final ServiceTracker<Object, Object> tracker;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, String> failedPlugins = new ConcurrentHashMap<>();
    private final ReentrantLock changes = new ReentrantLock();
    /** Runs swaps, rollbacks, stagings on one platform thread (see {@link ChangeThread}). */
    private final ChangeThread changeThread = new ChangeThread("chrysalis-plugin-changes");
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final java.util.concurrent.atomic.AtomicLong installations = new java.util.concurrent.atomic.AtomicLong();
    private final ExecutorService retirer = Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().daemon().name("chrysalis-plugin-retirer").unstarted(task));
    private final CacheDir cache;
    private volatile Map<String, String> skillOwners = Map.of();
    private final Optional<Guard> guard = BundleGuard.shared();
    private final List<java.util.function.Consumer<GuardDenial>> denialListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong denials = new java.util.concurrent.atomic.AtomicLong();
    /** Delivers call observations to promotions in call order, off the callers' threads (a gate may swap). */
    private final ExecutorService observer = Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().daemon().name("chrysalis-call-observer").unstarted(task));

    /** One plugin: its identity and the generation that serves it now. */
    private static final class Slot {
        final String symbolicName;
        final PluginKind kind;
        final AtomicReference<Generation> live = new AtomicReference<>();
        /** A candidate loaded beside the live version for shadow and canary calls; null when none. */
        final AtomicReference<Generation> staged = new AtomicReference<>();
        /** The promotion routing this plugin's calls, or null. */
        volatile CallRouting routing;
        final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        volatile PluginState state;

        Slot(String symbolicName, PluginKind kind, Generation live, PluginState state) {
            this.symbolicName = symbolicName;
            this.kind = kind;
            this.live.set(live);
            this.state = state;
        }
    }

    /** The bundle cache folder and the lock that makes it this process's own. */
    private record CacheDir(Path path, Optional<FileChannel> lockChannel, Optional<FileLock> lock, boolean temporary) {
    }

    private PluginRuntime(RuntimeConfig config, CacheDir cache) throws BundleException {
        this.config = config;
        this.cache = cache;
        this.store = new PluginStore(config.dataDir().resolve("plugins"));
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, cache.path().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put(Constants.FRAMEWORK_BSNVERSION, Constants.FRAMEWORK_BSNVERSION_MULTIPLE);
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.exportsOf(
                List.of(Skill.class, JsonNode.class, JsonParser.class, JsonProperty.class)));
        properties.put("felix.log.logger", new FelixLogBridge());
        properties.put("felix.log.level", "2");
        properties.put("ds.loglevel", "warn");
        // Resolving one plugin at a time is tiny: a resolver thread pool only adds hand-offs on a busy machine.
        properties.put("felix.resolver.parallelism", "1");
        this.felix = new Felix(properties);
        felix.init();
        felix.start();
        this.context = felix.getBundleContext();
        this.index = new ServiceIndex(context, this::reindexSkills);
        this.tracker = new ServiceTracker<>(context, filter(), index);
        // Start the retirer now, from this thread: a thread inherits its creator's OS priority, and the first
        // retirement is asked for by the favoured change thread; retiring must not compete with the sessions.
        retirer.execute(() -> { });
    }

    private org.osgi.framework.Filter filter() {
        try {
            return context.createFilter(ServiceIndex.FILTER);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException("bad service filter " + ServiceIndex.FILTER, e);
        }
    }

    /**
     * Starts Felix, the base bundles and every plugin (its swapped jar when one is recorded, else the shipped
     * one). A plugin that fails to start is logged and listed by {@link #plugins()}'s absence and
     * {@link #failedPlugins()}; the host still starts.
     *
     * @throws IllegalStateException when the framework or a base bundle (SCR) cannot start
     */
    public static PluginRuntime start(RuntimeConfig config) {
        CacheDir cache = lockCache(config.dataDir());
        PluginRuntime runtime;
        try {
            runtime = new PluginRuntime(config, cache);
        } catch (BundleException e) {
            throw new IllegalStateException("the OSGi framework cannot start in " + cache.path() + ": " + e.getMessage(), e);
        }
        try {
            runtime.startBundles();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private static CacheDir lockCache(Path dataDir) {
        Optional<Path> memory = ScratchCache.inMemory();
        if (memory.isPresent()) {
            return new CacheDir(memory.get(), Optional.empty(), Optional.empty(), true);
        }
        try {
            Files.createDirectories(dataDir);
            Path lockFile = dataDir.resolve("felix-cache.lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null) {
                return new CacheDir(dataDir.resolve("felix-cache"), Optional.of(channel), Optional.of(lock), false);
            }
            channel.close();
            // Another runtime (a running shell, or the CLI) owns felix-cache: use a private scratch cache.
            Path temp = Files.createTempDirectory(dataDir, "felix-cache-");
            LOG.log(System.Logger.Level.INFO, "felix-cache in " + dataDir + " is in use by another runtime; using " + temp);
            return new CacheDir(temp, Optional.empty(), Optional.empty(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void startBundles() {
        Path bundlesDir = config.bundlesDir();
        if (!Files.isDirectory(bundlesDir)) {
            throw new IllegalStateException("bundles folder " + bundlesDir.toAbsolutePath()
                    + " does not exist (build the host first, or set -D" + RuntimeConfig.BUNDLES_PROPERTY + ")");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(bundlesDir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list bundles folder " + bundlesDir, e);
        }
        List<BundleJar> base = new ArrayList<>();
        Map<String, BundleJar> shipped = new TreeMap<>();
        Map<String, Path> shippedPaths = new HashMap<>();
        for (Path jar : jars) {
            BundleJar bundle;
            try {
                bundle = BundleJar.read(jar);
            } catch (BundleRejectedException e) {
                LOG.log(System.Logger.Level.ERROR, "skipping " + jar + ": " + e.getMessage());
                continue;
            }
            if (SHARED_FROM_CLASSPATH.contains(bundle.symbolicName())) {
                continue;
            }
            if (bundle.kind().isEmpty()) {
                base.add(bundle);
            } else {
                BundleJar previous = shipped.get(bundle.symbolicName());
                if (previous != null && org.osgi.framework.Version.parseVersion(previous.version())
                        .compareTo(org.osgi.framework.Version.parseVersion(bundle.version())) >= 0) {
                    LOG.log(System.Logger.Level.WARNING, "two shipped jars for " + bundle.symbolicName() + "; keeping "
                            + previous.source() + " over " + jar);
                    continue;
                }
                shipped.put(bundle.symbolicName(), bundle);
                shippedPaths.put(bundle.symbolicName(), jar);
            }
        }
        List<Bundle> baseBundles = new ArrayList<>();
        for (BundleJar jar : base) {
            try {
                baseBundles.add(context.installBundle("chrysalis-base:" + jar.symbolicName(),
                        new ByteArrayInputStream(jar.bytes())));
            } catch (BundleException e) {
                throw new IllegalStateException("base bundle " + jar.source() + " cannot be installed: " + e.getMessage(), e);
            }
        }
        for (Bundle b : baseBundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    b.start();
                } catch (BundleException e) {
                    throw new IllegalStateException("base bundle " + b.getSymbolicName() + " cannot start: "
                            + e.getMessage(), e);
                }
            }
        }
        tracker.open();

        Set<String> names = new java.util.TreeSet<>(shipped.keySet());
        names.addAll(store.plugins());
        for (String name : names) {
            Optional<PluginState> state = store.load(name);
            BundleJar fromShipped = shipped.get(name);
            Optional<BundleJar> fromState = state.flatMap(s -> storedJar(name, s.live()));
            List<BundleJar> candidates = new ArrayList<>();
            fromState.ifPresent(candidates::add);
            if (fromShipped != null) {
                candidates.add(fromShipped);
            }
            String failure = "no jar";
            for (BundleJar jar : candidates) {
                Path path = jar == fromShipped ? shippedPaths.get(name) : store.jarPath(name, jar.digest());
                try {
                    PluginKind kind = jar.kind().orElse(PluginKind.SKILL);
                    Generation generation = activate(jar, kind, path, new PhaseTimer(System.nanoTime()));
                    PluginState effective = state.filter(s -> s.live().equals(jar.digest()))
                            .orElse(new PluginState(name, jar.digest(), state.map(PluginState::history).orElse(List.of())));
                    slots.put(name, new Slot(name, kind, generation, effective));
                    sortedSlots = List.of();
                    failedPlugins.remove(name);
                    if (jar == fromShipped && fromState.isPresent()) {
                        LOG.log(System.Logger.Level.WARNING, "plugin " + name + ": the recorded live jar did not start; "
                                + "serving the shipped jar " + path);
                    }
                    break;
                } catch (BundleRejectedException e) {
                    failure = e.getMessage();
                    LOG.log(System.Logger.Level.ERROR, "plugin " + name + " did not start from " + path + ": " + failure);
                }
            }
            if (!slots.containsKey(name)) {
                failedPlugins.put(name, failure);
            }
        }
        reindexSkills();
    }

    private Optional<BundleJar> storedJar(String name, String digest) {
        Path path = store.jarPath(name, digest);
        try {
            BundleJar jar = BundleJar.read(path);
            if (!jar.digest().equals(digest)) {
                LOG.log(System.Logger.Level.ERROR, "stored jar " + path + " has SHA-256 " + jar.digest()
                        + ", not the recorded " + digest + "; ignoring it");
                return Optional.empty();
            }
            return Optional.of(jar);
        } catch (BundleRejectedException e) {
            LOG.log(System.Logger.Level.ERROR, "stored jar for " + name + " is unusable: " + e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------- lookups

    @Override
    public List<SkillDescriptor> catalogue() {
        Map<String, SkillDescriptor> byName = new TreeMap<>();
        for (Slot slot : sortedSlots()) {
            for (Entry e : index.entries(slot.live.get().bundleId())) {
                if (e.type() == Type.SKILL) {
                    byName.putIfAbsent(e.name(), e.descriptor().orElseThrow());
                }
            }
        }
        return List.copyOf(byName.values());
    }

    @Override
    public Optional<PluginLease<Skill>> acquireSkill(String name) {
        return acquireSkill(name, "unknown-session");
    }

    /**
     * The skill of that name for one call of {@code sessionId}: the live version's, or, while a promotion routes the
     * plugin's calls, the version the promotion picks for this call, observed (see the class comment).
     */
    @Override
    public Optional<PluginLease<Skill>> acquireSkill(String name, String sessionId) {
        Optional<PluginLease<Skill>> live = acquireLiveSkill(name);
        if (live.isEmpty()) {
            return live;
        }
        Slot slot = slots.get(live.get().plugin());
        CallRouting routing = slot == null ? null : slot.routing;
        if (routing == null) {
            return live;
        }
        PluginLease<Skill> lease = live.get();
        Route route;
        try {
            route = routing.route(sessionId, slot.symbolicName + "#" + slot.calls.incrementAndGet());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "promotion routing of " + slot.symbolicName + " failed; serving live: " + e, e);
            return live;
        }
        return Optional.of(switch (route) {
            case Route.Live l -> lease.rewrap(new RoutedSkill(lease.service(), lease.digest(), sessionId, routing, observer,
                    Optional.empty()));
            case Route.Shadow sh -> lease.rewrap(new RoutedSkill(lease.service(), lease.digest(), sessionId, routing, observer,
                    Optional.of(() -> acquireStaged(slot, sh.candidate(), name))));
            case Route.Candidate c -> {
                Optional<PluginLease<Skill>> candidate = acquireStaged(slot, c.candidate(), name);
                if (candidate.isEmpty()) {
                    // the candidate is gone (being unstaged): the live version answers, unobserved by the canary gate
                    yield lease;
                }
                lease.close();
                PluginLease<Skill> cl = candidate.get();
                yield cl.rewrap(new RoutedSkill(cl.service(), cl.digest(), sessionId, routing, observer, Optional.empty()));
            }
        });
    }

    /** A lease on the staged candidate's skill {@code name}, when {@code digest} is staged and serves it. */
    private Optional<PluginLease<Skill>> acquireStaged(Slot slot, String digest, String name) {
        Generation staged = slot.staged.get();
        if (staged == null || !staged.digest().equals(digest) || !staged.tryAcquire()) {
            return Optional.empty();
        }
        Optional<Entry> entry = index.find(staged.bundleId(), Type.SKILL, name);
        if (entry.isEmpty()) {
            staged.release();
            return Optional.empty();
        }
        return Optional.of(new PluginLease<>((Skill) entry.get().service(), name, staged));
    }

    private Optional<PluginLease<Skill>> acquireLiveSkill(String name) {
        while (true) {
            String owner = skillOwners.get(name);
            if (owner == null) {
                return Optional.empty();
            }
            Slot slot = slots.get(owner);
            if (slot == null) {
                return Optional.empty();
            }
            Generation generation = slot.live.get();
            if (!generation.tryAcquire()) {
                Thread.onSpinWait();
                continue;
            }
            Optional<Entry> entry = index.find(generation.bundleId(), Type.SKILL, name);
            if (entry.isPresent()) {
                return Optional.of(new PluginLease<>((Skill) entry.get().service(), name, generation));
            }
            generation.release();
            if (slot.live.get() == generation && owner.equals(skillOwners.get(name))) {
                return Optional.empty();
            }
        }
    }

    @Override
    public Optional<PluginLease<Router>> acquireRouter() {
        while (true) {
            List<Candidate> routers = live(Type.ROUTER);
            if (routers.isEmpty()) {
                return Optional.empty();
            }
            Candidate best = routers.stream()
                    .sorted(Comparator.comparingInt((Candidate c) -> -c.entry.ranking())
                            .thenComparing(c -> c.generation.symbolicName()).thenComparing(c -> c.entry.name()))
                    .findFirst().orElseThrow();
            if (best.generation.tryAcquire()) {
                return Optional.of(new PluginLease<>((Router) best.entry.service(), best.entry.name(), best.generation));
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public List<PluginLease<Hook>> acquireHooks() {
        retry:
        while (true) {
            List<Candidate> hooks = liveHooksInOrder();
            List<PluginLease<Hook>> leases = new ArrayList<>();
            for (Candidate c : hooks) {
                if (!c.generation.tryAcquire()) {
                    leases.forEach(PluginLease::close);
                    Thread.onSpinWait();
                    continue retry;
                }
                leases.add(new PluginLease<>((Hook) c.entry.service(), c.entry.name(), c.generation));
            }
            return List.copyOf(leases);
        }
    }

    private record Candidate(Generation generation, Entry entry) {
    }

    /** The live hooks in call order, and what they were derived from: each slot's live generation and the index's version. */
    private record HookOrder(List<Slot> slots, Generation[] generations, long indexVersion, List<Candidate> hooks) {
        boolean current(List<Slot> nowSlots, long nowIndexVersion) {
            if (nowSlots != slots || nowIndexVersion != indexVersion) {
                return false;
            }
            for (int i = 0; i < generations.length; i++) {
                if (slots.get(i).live.get() != generations[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Every turn asks for the hooks; sorting them anew each time was a tenth of a turn's CPU time. */
    private volatile HookOrder hookOrder;

    private List<Candidate> liveHooksInOrder() {
        List<Slot> sorted = sortedSlots();
        long indexVersion = index.version();
        HookOrder cached = hookOrder;
        if (cached != null && cached.current(sorted, indexVersion)) {
            return cached.hooks();
        }
        Generation[] generations = new Generation[sorted.size()];
        for (int i = 0; i < generations.length; i++) {
            generations[i] = sorted.get(i).live.get();
        }
        List<Candidate> hooks = new ArrayList<>();
        for (Generation generation : generations) {
            for (Entry e : index.entries(generation.bundleId())) {
                if (e.type() == Type.HOOK) {
                    hooks.add(new Candidate(generation, e));
                }
            }
        }
        hooks.sort(Comparator.comparingInt((Candidate c) -> c.entry.priority()).thenComparing(c -> c.entry.name()));
        List<Candidate> ordered = List.copyOf(hooks);
        hookOrder = new HookOrder(sorted, generations, indexVersion, ordered);
        return ordered;
    }

    private List<Candidate> live(Type type) {
        List<Candidate> found = new ArrayList<>();
        for (Slot slot : sortedSlots()) {
            Generation generation = slot.live.get();
            for (Entry e : index.entries(generation.bundleId())) {
                if (e.type() == type) {
                    found.add(new Candidate(generation, e));
                }
            }
        }
        return found;
    }

    /** The slots by symbolic name, kept until a slot is added (a list of another size than the map's is stale too). */
    private volatile List<Slot> sortedSlots = List.of();

    private List<Slot> sortedSlots() {
        List<Slot> sorted = sortedSlots;
        if (sorted.size() != slots.size()) {
            sorted = slots.values().stream().sorted(Comparator.comparing(s -> s.symbolicName)).toList();
            sortedSlots = sorted;
        }
        return sorted;
    }

    /** Rebuilds skill name -> owning plugin from the live generations (first plugin by name wins a clash). */
    private synchronized void reindexSkills() {
        Map<String, String> owners = new HashMap<>();
        for (Slot slot : sortedSlots()) {
            Generation generation = slot.live.get();
            if (generation == null) {
                continue;
            }
            for (Entry e : index.entries(generation.bundleId())) {
                if (e.type() == Type.SKILL) {
                    String previous = owners.putIfAbsent(e.name(), slot.symbolicName);
                    if (previous != null && !previous.equals(slot.symbolicName)) {
                        LOG.log(System.Logger.Level.WARNING, "skill '" + e.name() + "' is registered by " + previous
                                + " and " + slot.symbolicName + "; " + previous + " serves it");
                    }
                }
            }
        }
        skillOwners = Map.copyOf(owners);
    }

    /** SKILL.md of the plugin that serves {@code skill} (or of the plugin of that name), when it ships one. */
    public Optional<String> skillDocument(String skill) {
        String owner = skillOwners.get(skill);
        Optional<Slot> slot = owner != null ? Optional.ofNullable(slots.get(owner)) : resolve(skill);
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        Generation generation = slot.get().live.get();
        if (!generation.tryAcquire()) {
            return skillDocument(skill);
        }
        try {
            java.net.URL entry = generation.bundle().getEntry("SKILL.md");
            if (entry == null) {
                return Optional.empty();
            }
            try (InputStream in = entry.openStream()) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SKILL.md of " + generation, e);
        } finally {
            generation.release();
        }
    }

    /** Every live plugin, by symbolic name. */
    public List<PluginInfo> plugins() {
        return sortedSlots().stream().map(this::info).toList();
    }

    /** The live plugin that {@code name} designates (see {@link #swap} for the accepted names). */
    public Optional<PluginInfo> plugin(String name) {
        return resolve(name).map(this::info);
    }

    /** Versions and states of every installed bundle with this symbolic name (tests: no leftovers after a refusal). */
    List<String> installedBundles(String symbolicName) {
        List<String> found = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                found.add(b.getVersion() + " " + stateName(b));
            }
        }
        return found;
    }

    /** Plugins that could not be started, with the reason. */
    public Map<String, String> failedPlugins() {
        return Map.copyOf(new TreeMap<>(failedPlugins));
    }

    /** Symbolic name -> SHA-256 of the live jar, for every live plugin. */
    public Map<String, String> liveDigests() {
        Map<String, String> digests = new LinkedHashMap<>();
        for (Slot slot : sortedSlots()) {
            digests.put(slot.symbolicName, slot.live.get().digest());
        }
        return digests;
    }

    private PluginInfo info(Slot slot) {
        Generation g = slot.live.get();
        List<String> provides = index.entries(g.bundleId()).stream()
                .map(e -> e.type().name().toLowerCase(java.util.Locale.ROOT) + ":" + e.name()).sorted().toList();
        return new PluginInfo(slot.symbolicName, g.version(), slot.kind, g.digest(), stateName(g.bundle()),
                provides, g.jar(), slot.state.history());
    }

    private static String stateName(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + bundle.getState() + ")";
        };
    }

    /**
     * Finds a plugin by symbolic name ({@code dev.chrysalis.skill.skill-calculator}), by the last segment of it
     * ({@code skill-calculator}), by a skill it serves ({@code calculator}), or by a router or hook name.
     */
    private Optional<Slot> resolve(String name) {
        Slot exact = slots.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        String owner = skillOwners.get(name);
        if (owner != null && slots.containsKey(owner)) {
            return Optional.of(slots.get(owner));
        }
        for (Slot slot : sortedSlots()) {
            String bsn = slot.symbolicName;
            if (bsn.substring(bsn.lastIndexOf('.') + 1).equals(name)) {
                return Optional.of(slot);
            }
        }
        for (Slot slot : sortedSlots()) {
            for (Entry e : index.entries(slot.live.get().bundleId())) {
                if (e.name().equals(name)) {
                    return Optional.of(slot);
                }
            }
        }
        return Optional.empty();
    }

    // ----------------------------------------------------------------------------------------- promotions

    /**
     * Loads {@code jar} beside the live version of the plugin {@code pluginOrSkillName} designates, without
     * serving ordinary calls: only calls a promotion routes to it (shadow copies, canary calls) reach it. The jar
     * is stored, so a later {@link #swap} to it (or a restart) finds it. Staging the digest already staged does
     * nothing; staging another replaces it. Returns the staged digest.
     *
     * @throws BundleRejectedException the jar is not a bundle of that plugin, is the live version, or does not start
     */
    public String stage(String pluginOrSkillName, Path jar) throws PluginOperationException {
        return changeThread.run(() -> stageOnChangeThread(pluginOrSkillName, jar));
    }

    private String stageOnChangeThread(String pluginOrSkillName, Path jar) throws PluginOperationException {
        changes.lock();
        try {
            Slot slot = resolveOrThrow(pluginOrSkillName, jar.toString());
            BundleJar candidate = newVersion(slot, jar);
            Generation staged = slot.staged.get();
            if (staged != null && staged.digest().equals(candidate.digest())) {
                return candidate.digest();
            }
            Path stored;
            try {
                stored = store.storeJar(candidate);
            } catch (IOException e) {
                throw rejected(slot.symbolicName, jar.toString(), candidate.digest(), new BundleRejectedException(
                        "cannot store jar for " + slot.symbolicName + ": " + e.getMessage(), e));
            }
            Generation fresh;
            try {
                fresh = activate(candidate, slot.kind, stored, new PhaseTimer(System.nanoTime()));
            } catch (BundleRejectedException e) {
                throw rejected(slot.symbolicName, jar.toString(), candidate.digest(), e);
            }
            Generation previous = slot.staged.getAndSet(fresh);
            if (previous != null) {
                retire(previous);
            }
            return candidate.digest();
        } finally {
            changes.unlock();
        }
    }

    /** Unloads the staged candidate {@code digest} of the plugin; nothing when that digest is not staged. */
    public void unstage(String pluginOrSkillName, String digest) {
        try {
            changeThread.run(() -> {
                unstageOnChangeThread(pluginOrSkillName, digest);
                return null;
            });
        } catch (PluginOperationException e) {
            throw new IllegalStateException("unstaging cannot be refused, yet it was: " + e.getMessage(), e);
        }
    }

    private void unstageOnChangeThread(String pluginOrSkillName, String digest) {
        changes.lock();
        try {
            Optional<Slot> slot = resolve(pluginOrSkillName);
            if (slot.isEmpty()) {
                return;
            }
            Generation staged = slot.get().staged.get();
            if (staged != null && staged.digest().equals(digest) && slot.get().staged.compareAndSet(staged, null)) {
                retire(staged);
            }
        } finally {
            changes.unlock();
        }
    }

    /** The digest staged beside the live version of the plugin, if any. */
    public Optional<String> stagedDigest(String pluginOrSkillName) {
        return resolve(pluginOrSkillName).map(s -> s.staged.get()).map(Generation::digest);
    }

    /** Waits until a generation's calls are done, then uninstalls it off the caller's path. */
    private void retire(Generation generation) {
        if (!generation.retireAndDrain(config.drainTimeout())) {
            LOG.log(System.Logger.Level.WARNING, generation + " still had " + generation.inflight() + " calls in flight after "
                    + config.drainTimeout() + "; uninstalling it anyway");
        }
        retirer.execute(() -> discard(generation.bundle()));
    }

    /**
     * Governance's {@link TrafficTap} over this runtime: while a routing is installed for a plugin, its skill calls
     * are routed and observed as the class comment says. Plugin names resolve as {@link #swap}'s do.
     */
    public TrafficTap trafficTap() {
        return new TrafficTap() {
            @Override
            public void install(String plugin, CallRouting routing) {
                Slot slot = resolve(plugin).orElseThrow(() -> new IllegalArgumentException(
                        "cannot route calls of " + plugin + ": no such plugin is installed"));
                slot.routing = java.util.Objects.requireNonNull(routing, "routing");
            }

            @Override
            public void remove(String plugin) {
                resolve(plugin).ifPresent(slot -> slot.routing = null);
            }
        };
    }

    /** Waits until every call observation handed to promotions so far has been delivered (tests, orderly shutdown). */
    public void awaitObservations(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        observer.execute(done::countDown);
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("call observations still pending after " + timeout);
        }
    }

    // ----------------------------------------------------------------------------------------- capabilities

    /** Whether plugins run under the capability guard (false when the JVM was started without the guard agent). */
    public boolean guarded() {
        return guard.isPresent();
    }

    /** Calls the guard has refused plugins of this runtime so far. */
    public long guardDenials() {
        return denials.get();
    }

    /** Tells {@code listener} about every use the guard refuses a plugin of this runtime, on the plugin's thread. */
    public void onGuardDenial(java.util.function.Consumer<GuardDenial> listener) {
        denialListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Reads the bundle's declared capabilities (an unknown one refuses the jar) and, under the guard, resolves the
     * bundle and registers its class loader with the permits they give, before any of its code runs.
     */
    private void guardBundle(Bundle bundle, BundleJar jar) throws BundleRejectedException {
        Set<Capability> declared;
        try {
            String header = bundle.getHeaders().get(CapabilityDeclaration.HEADER);
            declared = CapabilityDeclaration.parse(header == null ? "" : header, "jar " + jar.source());
        } catch (UnknownCapabilityException e) {
            throw new BundleRejectedException(e.getMessage(), e);
        }
        if (guard.isEmpty() || !felix.adapt(FrameworkWiring.class).resolveBundles(List.of(bundle))) {
            return; // unguarded JVM; or unresolvable, which start() explains before any plugin code runs
        }
        ClassLoader loader = bundle.adapt(BundleWiring.class).getClassLoader();
        if (loader == null) {
            return;
        }
        String holder = "bundle " + jar.symbolicName() + " " + jar.version() + " (declared capabilities: "
                + (declared.isEmpty() ? "none" : CapabilityDeclaration.format(declared)) + ")";
        List<Path> runtimeFolders = List.of(cache.path(), config.bundlesDir(), config.dataDir().resolve("plugins"));
        guard.get().sandbox(loader, BundleGuard.permits(holder, declared, config.workspaces(), runtimeFolders,
                new DenialWitness(jar.symbolicName(), jar.version(), jar.digest())));
    }

    /**
     * Counts one bundle's denials and forwards the first {@value #FORWARDED_DENIALS} of them (log, listeners such
     * as the audit log), so a plugin looping on a refused call cannot flood them. A plain class: it runs inside
     * the guard, on the plugin's thread.
     */
    private final class DenialWitness implements java.util.function.Consumer<Violation> {
        private static final int FORWARDED_DENIALS = 50;
        private final java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        private final String plugin;
        private final String version;
        private final String digest;

        DenialWitness(String plugin, String version, String digest) {
            this.plugin = plugin;
            this.version = version;
            this.digest = digest;
        }

        @Override
        public void accept(Violation violation) {
            denials.incrementAndGet();
            if (seen.incrementAndGet() > FORWARDED_DENIALS) {
                return;
            }
            GuardDenial denial = new GuardDenial(plugin, version, digest, violation);
            LOG.log(System.Logger.Level.WARNING, denial.describe());
            for (java.util.function.Consumer<GuardDenial> l : denialListeners) {
                try {
                    l.accept(denial);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "a guard denial listener failed: " + e, e);
                }
            }
        }
    }

    // --------------------------------------------------------------------------------------------- changes

    /**
     * Makes {@code jar} the live version of the plugin {@code pluginOrSkillName} designates (its symbolic name,
     * the last segment of it, a skill, router or hook name it serves). Returns once no call runs on the old
     * version any more; the old bundle is then uninstalled (and its wiring refreshed) in the background.
     *
     * @throws UnknownPluginException  no live plugin has that name
     * @throws BundleRejectedException the jar is not a bundle of that plugin, or does not start; the live
     *                                 version keeps serving
     */
    public SwapReport swap(String pluginOrSkillName, Path jar) throws PluginOperationException {
        PhaseTimer timer = new PhaseTimer(System.nanoTime());
        Instant at = config.clock().instant();
        return changeThread.run(() -> {
            long cpu = threadCpu();
            changes.lock();
            try {
                timer.end("queue");
                Slot slot = resolveOrThrow(pluginOrSkillName, jar.toString());
                BundleJar candidate = newVersion(slot, jar);
                timer.end("read");
                PluginState before = slot.state;
                PluginState after = before.swappedTo(candidate.digest());
                SwapReport report = replace(slot, candidate, before, after, SwapReport.Action.SWAP, at, timer, cpu,
                        jar.toString());
                notify(new PluginEvent.Swapped(report));
                return report;
            } finally {
                changes.unlock();
            }
        });
    }

    /** CPU time of the calling thread so far, in nanoseconds (0 where the JVM cannot tell). */
    private long threadCpu() {
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    }

    /**
     * Returns the plugin to the jar that was live before the last swap (repeatable, down the history).
     *
     * @throws NoPreviousVersionException the plugin has never been swapped
     * @throws BundleRejectedException    the previous jar no longer starts; the live version keeps serving
     */
    public SwapReport rollback(String pluginOrSkillName) throws PluginOperationException {
        PhaseTimer timer = new PhaseTimer(System.nanoTime());
        Instant at = config.clock().instant();
        return changeThread.run(() -> {
            long cpu = threadCpu();
            changes.lock();
            try {
                timer.end("queue");
                return rollbackOnChangeThread(pluginOrSkillName, at, timer, cpu);
            } finally {
                changes.unlock();
            }
        });
    }

    private SwapReport rollbackOnChangeThread(String pluginOrSkillName, Instant at, PhaseTimer timer, long cpu)
            throws PluginOperationException {
        Slot slot = resolveOrThrow(pluginOrSkillName, "rollback");
        PluginState before = slot.state;
        if (before.history().isEmpty()) {
            NoPreviousVersionException e = new NoPreviousVersionException("plugin " + slot.symbolicName
                    + " has no previous version to roll back to (it was never swapped)");
            notify(new PluginEvent.Rejected(slot.symbolicName, "rollback", "", e.getMessage(), at));
            throw e;
        }
        String previous = before.history().getFirst();
        Path path = store.jarPath(slot.symbolicName, previous);
        BundleJar candidate;
        try {
            candidate = BundleJar.read(path);
            if (!candidate.digest().equals(previous)) {
                throw new BundleRejectedException("stored jar " + path + " has SHA-256 " + candidate.digest()
                        + " but the history records " + previous + "; it was changed on disk");
            }
            checkFits(slot, candidate);
        } catch (BundleRejectedException e) {
            throw rejected(slot.symbolicName, "rollback", previous, e);
        }
        timer.end("read");
        SwapReport report = replace(slot, candidate, before, before.rolledBack(), SwapReport.Action.ROLLBACK, at,
                timer, cpu, "rollback");
        notify(new PluginEvent.RolledBack(report));
        return report;
    }

    /** {@code jar} as a new version of the slot's plugin: a bundle of that plugin that is not its live version. */
    private BundleJar newVersion(Slot slot, Path jar) throws BundleRejectedException {
        BundleJar candidate;
        try {
            candidate = BundleJar.read(jar);
            checkFits(slot, candidate);
        } catch (BundleRejectedException e) {
            throw rejected(slot.symbolicName, jar.toString(), digestOrEmpty(jar), e);
        }
        if (candidate.digest().equals(slot.live.get().digest())) {
            throw rejected(slot.symbolicName, jar.toString(), candidate.digest(), new BundleRejectedException(
                    "jar " + jar + " (sha256:" + candidate.digest() + ") is already the live version of " + slot.symbolicName));
        }
        return candidate;
    }

    private Slot resolveOrThrow(String name, String source) throws UnknownPluginException {
        Optional<Slot> slot = resolve(name);
        if (slot.isEmpty()) {
            UnknownPluginException e = new UnknownPluginException("no installed plugin is called '" + name
                    + "' (known: " + String.join(", ", new java.util.TreeSet<>(slots.keySet())) + ")");
            notify(new PluginEvent.Rejected(name, source, "", e.getMessage(), config.clock().instant()));
            throw e;
        }
        return slot.get();
    }

    private static void checkFits(Slot slot, BundleJar candidate) throws BundleRejectedException {
        if (!candidate.symbolicName().equals(slot.symbolicName)) {
            throw new BundleRejectedException("jar " + candidate.source() + " is bundle '" + candidate.symbolicName()
                    + "', not plugin '" + slot.symbolicName + "': refusing to replace one plugin with another");
        }
        if (candidate.kind().isPresent() && candidate.kind().get() != slot.kind) {
            throw new BundleRejectedException("jar " + candidate.source() + " declares " + PluginKind.HEADER + ": "
                    + candidate.kind().get().headerValue() + " but plugin " + slot.symbolicName + " is a "
                    + slot.kind.headerValue() + " plugin");
        }
        PluginStore.checkName(candidate.symbolicName());
    }

    private BundleRejectedException rejected(String plugin, String source, String digest, BundleRejectedException e) {
        notify(new PluginEvent.Rejected(plugin, source, digest, e.getMessage(), config.clock().instant()));
        return e;
    }

    private static String digestOrEmpty(Path jar) {
        try {
            return Files.isRegularFile(jar) && Files.size(jar) <= BundleJar.MAX_BYTES
                    ? BundleJar.sha256(Files.readAllBytes(jar)) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private SwapReport replace(Slot slot, BundleJar candidate, PluginState before, PluginState after,
                               SwapReport.Action action, Instant at, PhaseTimer timer, long cpuAtStart, String source)
            throws BundleRejectedException {
        long started = timer.start();
        Generation old = slot.live.get();
        Path stored;
        try {
            if (before.history().isEmpty() && !Files.isRegularFile(store.jarPath(slot.symbolicName, old.digest()))) {
                // first change of a shipped plugin: keep the shipped jar so rollback can return to it
                store.storeJar(old.source());
            }
            stored = store.storeJar(candidate);
        } catch (IOException e) {
            throw rejected(slot.symbolicName, source, candidate.digest(), new BundleRejectedException(
                    "cannot store jar for " + slot.symbolicName + " under " + store.jarPath(slot.symbolicName, candidate.digest())
                            + ": " + e.getMessage(), e));
        }
        timer.end("store");
        Generation fresh;
        Generation staged = slot.staged.get();
        if (staged != null && staged.digest().equals(candidate.digest()) && slot.staged.compareAndSet(staged, null)) {
            fresh = staged; // a promotion's candidate, already running beside the live version: cut over to it
        } else {
            try {
                fresh = activate(candidate, slot.kind, stored, timer);
            } catch (BundleRejectedException e) {
                throw rejected(slot.symbolicName, source, candidate.digest(), e);
            }
        }
        slot.live.set(fresh);
        reindexSkills();
        long tCut = timer.end("flip");
        try {
            store.save(after);
        } catch (IOException e) {
            // the old generation is not retired yet: switching back loses no call
            slot.live.set(old);
            reindexSkills();
            fresh.retireAndDrain(config.drainTimeout());
            discard(fresh.bundle());
            throw rejected(slot.symbolicName, source, candidate.digest(), new BundleRejectedException(
                    "cannot record the new state of " + slot.symbolicName + ": " + e.getMessage(), e));
        }
        slot.state = after;
        timer.end("record");
        Duration cutover = Duration.ofNanos(tCut - started);
        if (!old.retireAndDrain(config.drainTimeout())) {
            LOG.log(System.Logger.Level.WARNING, old + " still had " + old.inflight() + " calls in flight after "
                    + config.drainTimeout() + "; uninstalling it anyway");
        }
        Duration duration = Duration.ofNanos(timer.end("drain") - started);
        Duration cpu = Duration.ofNanos(Math.max(0, threadCpu() - cpuAtStart));
        // No call can reach the old generation any more: uninstall it and refresh its wiring off the caller's path.
        retirer.execute(() -> discard(old.bundle()));
        LOG.log(System.Logger.Level.DEBUG, () -> action + " " + slot.symbolicName + " phases: " + timer.phases());
        List<String> provides = index.entries(fresh.bundleId()).stream().map(Entry::name).sorted().toList();
        LOG.log(System.Logger.Level.DEBUG, action + " " + slot.symbolicName + ": " + old.version() + " sha256:"
                + old.digest() + " -> " + fresh.version() + " sha256:" + fresh.digest() + " in " + duration.toMillis() + " ms");
        return new SwapReport(action, slot.symbolicName, old.version(), old.digest(), fresh.version(), fresh.digest(),
                at, cutover, duration, provides, timer.phases(), timer.phaseCpu(), cpu);
    }

    /**
     * Installs and starts a plugin jar beside whatever else runs, and waits until every Skill/Router/Hook
     * service it registers is obtained (activated). On any failure it is uninstalled again.
     */
    private Generation activate(BundleJar jar, PluginKind kind, Path path, PhaseTimer timer) throws BundleRejectedException {
        // Unique per installation: the same jar may come back (rollback) while its previous bundle is still retiring.
        String location = "chrysalis:" + jar.symbolicName() + "@" + jar.digest() + "#" + installations.incrementAndGet();
        Bundle bundle;
        try {
            bundle = context.installBundle(location, new ByteArrayInputStream(jar.bytes()));
        } catch (BundleException e) {
            throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + " " + jar.version()
                    + ") cannot be installed: " + e.getMessage(), e);
        }
        try {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                throw new BundleRejectedException("jar " + jar.source() + " is a fragment bundle; a plugin must be a bundle of its own");
            }
            timer.end("install");
            guardBundle(bundle, jar);
            timer.end("guard");
            try {
                bundle.start();
            } catch (BundleException e) {
                throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + " " + jar.version()
                        + ") cannot start: " + explain(e), e);
            }
            timer.end("start");
            Generation generation = new Generation(jar, kind, path, bundle);
            preloadClasses(bundle, jar);
            timer.end("preload");
            awaitServices(generation, jar);
            timer.end("services");
            return generation;
        } catch (BundleRejectedException | RuntimeException e) {
            discard(bundle);
            throw e;
        }
    }

    /**
     * Defines every class of the bundle now, on this (platform) thread. Otherwise the first calls define them
     * lazily on virtual threads, where class loading pins the carrier; many first calls right after a cut-over
     * then wait on each other's class definitions with every carrier pinned, stalling all virtual threads.
     * A class that cannot be loaded (missing dependency, bad bytecode) refuses the jar here. The classes they
     * name are loaded too, through the bundle's loader, for the same reason ({@link ClassReferences}).
     */
    private static void preloadClasses(Bundle bundle, BundleJar jar) throws BundleRejectedException {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        ClassLoader loader = wiring == null ? null : wiring.getClassLoader();
        Set<String> referenced = new java.util.HashSet<>();
        // The class files as read with the jar: asking Felix (findEntries, bundle: URLs) cost a swap 5% of its CPU
        // time, unzipping the jar a second time 2%.
        for (BundleJar.ClassFile file : jar.classFiles()) {
            String path = file.path();
            String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
            if (name.endsWith("module-info") || name.endsWith("package-info") || name.startsWith("META-INF.")) {
                continue;
            }
            try {
                bundle.loadClass(name);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + " " + jar.version()
                        + "): class " + name + " cannot be loaded: " + e, e);
            }
            if (loader != null) {
                try {
                    ClassReferences.resolve(file.bytes(), loader, referenced);
                } catch (IllegalArgumentException e) {
                    throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + " " + jar.version()
                            + "): class file " + path + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
    }

    private static String explain(BundleException e) {
        StringBuilder message = new StringBuilder(e.getMessage());
        if (e.getType() == BundleException.RESOLVE_ERROR) {
            message.insert(0, "unresolved requirement: ");
        }
        Throwable cause = e.getCause();
        while (cause != null) {
            message.append(" <- ").append(cause);
            cause = cause.getCause();
        }
        return message.toString();
    }

    private void awaitServices(Generation generation, BundleJar jar) throws BundleRejectedException {
        long deadline = System.nanoTime() + config.activationTimeout().toNanos();
        Bundle bundle = generation.bundle();
        while (true) {
            List<String> failures = index.failures(bundle.getBundleId());
            if (!failures.isEmpty()) {
                List<String> causes = new ComponentFailures(context).of(bundle);
                throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + " " + jar.version()
                        + ") started but " + String.join("; ", failures)
                        + (causes.isEmpty() ? "" : "; " + String.join("; ", causes)));
            }
            if (bundle.getState() != Bundle.ACTIVE) {
                throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + ") stopped while starting (state "
                        + stateName(bundle) + ")");
            }
            int registered = countPluginServices(bundle);
            var entries = index.entries(bundle.getBundleId());
            boolean fits = generation.kind() == PluginKind.SKILL
                    ? entries.stream().anyMatch(e -> e.type() == Type.SKILL)
                    : entries.stream().anyMatch(e -> e.type() != Type.SKILL);
            if (registered > 0 && entries.size() >= registered && fits) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                String expected = generation.kind() == PluginKind.SKILL ? "a Skill service" : "a Router or Hook service";
                List<String> causes = new ComponentFailures(context).of(bundle);
                throw new BundleRejectedException("jar " + jar.source() + " (" + jar.symbolicName() + " " + jar.version()
                        + ") started but registered " + (registered == 0 ? "no plugin service" : "services that did not all activate")
                        + (causes.isEmpty() ? "" : " (" + String.join("; ", causes) + ")")
                        + " within " + config.activationTimeout().toMillis() + " ms; a " + generation.kind().headerValue()
                        + " plugin must register " + expected + " (is its DS component declared in Service-Component?)");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    private static int countPluginServices(Bundle bundle) {
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        if (refs == null) {
            return 0;
        }
        int n = 0;
        for (ServiceReference<?> ref : refs) {
            String[] classes = (String[]) ref.getProperty(Constants.OBJECTCLASS);
            for (String c : classes) {
                if (c.equals(Skill.class.getName()) || c.equals(Router.class.getName()) || c.equals(Hook.class.getName())) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /**
     * Uninstalls a bundle and, when another bundle still uses its wiring, refreshes only that, waiting for the
     * refresh to finish. Felix removes an uninstalled bundle that nobody else is wired to at once (a plugin
     * exports nothing the others import), so usually there is nothing left to refresh: asking anyway costs a
     * framework refresh (the global lock, on Felix's wiring thread) that a swap starting meanwhile waits for.
     */
    private void discard(Bundle bundle) {
        long id = bundle.getBundleId();
        try {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        } catch (BundleException | IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot uninstall bundle " + id + ": " + e.getMessage());
        }
        FrameworkWiring wiring = felix.adapt(FrameworkWiring.class);
        if (!wiring.getRemovalPendingBundles().contains(bundle)) {
            index.forget(id);
            return;
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        try {
            wiring.refreshBundles(List.of(bundle), event -> refreshed.countDown());
            if (!refreshed.await(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "refreshing bundle " + id + " took over 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot refresh bundle " + id + ": " + e.getMessage());
        }
        index.forget(id);
    }

    private void notify(PluginEvent event) {
        try {
            config.listener().onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the bundle event listener failed on " + event + ": " + e, e);
        }
    }

    /** Stops the framework (waiting up to 10 s) and releases the bundle cache. */
    @Override
    public void close() {
        changeThread.close();
        observer.shutdown();
        retirer.shutdown();
        try {
            if (!retirer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "retiring old plugin versions took over 10 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            tracker.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the service tracker: " + e);
        }
        try {
            felix.stop();
            felix.waitForStop(10_000);
        } catch (BundleException e) {
            LOG.log(System.Logger.Level.WARNING, "the framework did not stop cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (cache.lock().isPresent()) {
                cache.lock().get().release();
            }
            if (cache.lockChannel().isPresent()) {
                cache.lockChannel().get().close();
            }
            if (cache.temporary()) {
                ScratchCache.deleteTree(cache.path());
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing the bundle cache " + cache.path() + ": " + e.getMessage());
        }
    }
}
