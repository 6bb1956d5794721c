package dev.chrysalis.sandbox.pool;

import dev.chrysalis.sandbox.worker.WorkerConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts trial workers and keeps {@link WorkerSettings#warmWorkers()} of them started and idle, so a
 * trial does not wait for a JVM and a framework to boot. A worker taken from the pool serves one
 * candidate and is then {@linkplain #retire retired} (killed, its directory deleted): workers are never
 * handed out twice.
 */
public final class WorkerPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

    private final SandboxLayout layout;
    private final WorkerSettings settings;
    private final NetworkIsolation isolation;
    private final Optional<OsLimits> osLimits;
    private final List<String> osLimitsPrefix;
    private final ExecutorService starter;
    private final LinkedBlockingDeque<Future<Worker>> warming = new LinkedBlockingDeque<>();
    private final ConcurrentLinkedQueue<Duration> startups = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean closed;

    public WorkerPool(SandboxLayout layout, WorkerSettings settings) throws IOException {
        this.layout = layout;
        this.settings = settings;
        this.isolation = settings.isolateNetwork() ? NetworkIsolation.probe() : NetworkIsolation.none();
        this.osLimitsPrefix = settings.osLimits().map(OsLimits::prefix).orElse(List.of());
        this.osLimits = osLimitsPrefix.isEmpty() ? Optional.empty() : settings.osLimits();
        if (settings.osLimits().isPresent() && osLimits.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "no working prlimit on this machine: trial workers run without OS limits");
        }
        Files.createDirectories(settings.workRoot());
        this.starter = Executors.newFixedThreadPool(Math.max(1, Math.min(2, settings.warmWorkers())),
                Thread.ofPlatform().daemon().name("worker-starter-", 0).factory());
        for (int i = 0; i < settings.warmWorkers(); i++) {
            warming.add(starter.submit(this::warmStart));
        }
    }

    public NetworkIsolation isolation() {
        return isolation;
    }

    /** The OS limits every worker of this pool runs under; empty where they are off or {@code prlimit} is missing. */
    public Optional<OsLimits> osLimits() {
        return osLimits;
    }

    /** A started worker that has never run a candidate; warm when one is ready, started now otherwise. */
    public Worker take() throws WorkerStartException {
        if (closed) {
            throw new IllegalStateException("the worker pool is closed");
        }
        Future<Worker> next = warming.poll();
        if (settings.warmWorkers() > 0) {
            warming.add(starter.submit(this::warmStart));
        }
        if (next != null) {
            try {
                Worker w = next.get();
                if (w.alive()) {
                    return w;
                }
                w.close();
            } catch (ExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "a warm worker failed to start: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkerStartException("interrupted while waiting for a warm worker", e);
            }
        }
        try {
            return startWorker();
        } catch (IOException e) {
            throw new WorkerStartException("cannot start a worker: " + e.getMessage(), e);
        }
    }

    /** Ends a worker for good. */
    public void retire(Worker worker) {
        worker.close();
    }

    /** Start-up times (process start to ready) of every worker started so far. */
    public List<Duration> startupTimes() {
        return List.copyOf(startups);
    }

    public int workersStarted() {
        return started.get();
    }

    /** A start queued for the warm set; one still queued when the pool closes never starts a process. */
    private Worker warmStart() throws IOException, WorkerStartException {
        if (closed) {
            throw new WorkerStartException("the worker pool closed before this warm worker started");
        }
        return startWorker();
    }

    /** Starts one worker and waits until it is ready (what a cold start costs). */
    public Worker startWorker() throws IOException, WorkerStartException {
        Path dir = Files.createTempDirectory(settings.workRoot(), "worker-");
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Path cache = dir.resolve("framework-cache");
        List<Path> readRoots = new ArrayList<>(layout.workerClasspath());
        layout.bundles().forEach(b -> readRoots.add(b.getParent()));
        layout.plugins().forEach(p -> readRoots.add(p.getParent()));
        new WorkerConfig(scratch, cache, layout.bundles(), readRoots.stream().distinct().toList(), settings.threadCap(),
                settings.maxOutputBytes(), settings.caseStackBytes(), osLimits.map(OsLimits::fileSizeBytes).orElse(0L),
                osLimits.map(OsLimits::openFiles).orElse(0), layout.plugins()).write(dir.resolve("worker.json"));
        ProcessBuilder builder = new ProcessBuilder(command(dir, scratch)).directory(scratch.toFile());
        Map<String, String> env = builder.environment();
        Map<String, String> inherited = System.getenv();
        env.clear();
        for (String keep : List.of("PATH", "LANG")) {
            if (inherited.containsKey(keep)) {
                env.put(keep, inherited.get(keep));
            }
        }
        try {
            Worker w = Worker.start(builder, dir, settings.maxOutputBytes() * 2 + 64 * 1024, settings.startTimeout());
            started.incrementAndGet();
            startups.add(w.startup());
            return w;
        } catch (IOException | WorkerStartException | RuntimeException e) {
            Worker.deleteRecursively(dir);
            throw e;
        }
    }

    private List<String> command(Path dir, Path scratch) {
        List<String> cmd = new ArrayList<>(osLimitsPrefix);
        cmd.addAll(isolation.prefix());
        cmd.add(layout.java().toString());
        cmd.add("-Xbootclasspath/a:" + layout.guardBootJar());
        cmd.add("-javaagent:" + layout.guardAgentJar());
        cmd.add("-Xmx" + settings.heapMegabytes() + "m");
        cmd.add("-XX:MaxMetaspaceSize=128m");
        cmd.add("-XX:MaxDirectMemorySize=32m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-XX:+DisableAttachMechanism");
        cmd.add("-Xshare:auto");
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("--illegal-native-access=deny");
        cmd.add("-Djava.io.tmpdir=" + scratch);
        cmd.add("-Duser.home=" + scratch);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, layout.workerClasspath().stream().map(Path::toString).toList()));
        cmd.add("dev.chrysalis.sandbox.worker.WorkerMain");
        cmd.add(dir.resolve("worker.json").toString());
        return cmd;
    }

    /**
     * Ends every warm worker, waiting for those still booting: a start in flight cannot be cancelled (its
     * process exists already), so it is awaited and then killed; no worker outlives the pool or writes to
     * its folder after this returns.
     */
    @Override
    public void close() {
        closed = true;
        starter.shutdown();
        long waitMillis = settings.startTimeout().toMillis() + 1000;
        Future<Worker> f;
        while ((f = warming.poll()) != null) {
            try {
                f.get(waitMillis, TimeUnit.MILLISECONDS).close();
            } catch (ExecutionException | CancellationException e) {
                // did not start (or was still queued); Worker.start has cleaned up after itself
            } catch (TimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "a warm worker still booting after " + waitMillis + " ms at close: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            if (!starter.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "worker starts still running " + waitMillis + " ms after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
