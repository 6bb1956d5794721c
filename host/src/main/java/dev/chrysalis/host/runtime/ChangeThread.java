package dev.chrysalis.host.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Where plugin changes (swap, rollback, stage, unstage) run, so a change never runs on a carrier of the sessions'
 * virtual threads and its CPU time can be measured ({@link SwapReport#cpu()}): a change asked for by a virtual
 * thread (the shell, a server handler) runs on this one platform thread; one asked for by a platform thread (the
 * CLI, a promotion gate, the bench) runs on that thread itself, as the change thread would run it (the platform
 * context class loader, an interrupt kept for after the change). Handing it over cost a wake-up of this thread,
 * which the swap report's {@code queue} phase showed under load (2 cores, 32 busy sessions, other processes):
 * 0.2 ms at the median, 13 to 54 ms at the 99th percentile. The runtime's lock serializes the changes either way.
 *
 * <p>{@value #NICE_PROPERTY} may give it a favoured OS priority ({@link ThreadNice}; needs {@code CAP_SYS_NICE}).
 * It is off by default: measured under 32 busy sessions on 2 cores shared with other heavy processes, nice -10
 * made a swap's own phases faster but cut the sessions' call throughput about tenfold (the JVM's share of the
 * machine is fixed, and the favoured thread took it from the carriers the calls in flight were waiting on), and
 * the swap latency, which ends when those calls finish, did not improve.
 *
 * <p>A change asked for on this thread itself (a listener of a swap event that swaps again) runs inline.
 */
final class ChangeThread implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChangeThread.class.getName());
    /** The nice value asked for unless {@value #NICE_PROPERTY} says otherwise: 0 leaves the priority alone. */
    static final int NICE = 0;
    static final String NICE_PROPERTY = "chrysalis.changes.nice";

    /** A change; may throw the runtime's refusals. */
    interface Change<T> {
        T run() throws PluginOperationException;
    }

    private final ExecutorService executor;
    private final int nice;
    /** Held (shared) by changes running on their callers' threads; {@link #close} takes it to wait for them. */
    private final ReentrantReadWriteLock callers = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile Thread thread;
    private volatile boolean favoured;

    ChangeThread(String name) {
        this(name, Integer.getInteger(NICE_PROPERTY, NICE));
    }

    ChangeThread(String name, int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException(NICE_PROPERTY + " must be a nice value between -20 and 19, not " + nice);
        }
        this.nice = nice;
        this.executor = Executors.newSingleThreadExecutor(task -> Thread.ofPlatform().daemon().name(name)
                .priority(Thread.MAX_PRIORITY).unstarted(() -> {
                    thread = Thread.currentThread();
                    // Framework code run here looks services up through the context loader (SCR asks JAXP for a
                    // SAX parser per bundle); the platform loader answers from the JDK without scanning every jar
                    // on the host's class path for provider files.
                    thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
                    favoured = nice != 0 && ThreadNice.set(nice);
                    if (nice != 0 && !favoured) {
                        LOG.log(System.Logger.Level.INFO, "plugin changes run at the normal OS priority (setting nice "
                                + nice + " was refused: no CAP_SYS_NICE, or not Linux); under heavy load a swap waits for a core");
                    }
                    task.run();
                }));
    }

    /** Whether the OS accepted the favoured priority for this thread (known once a change has run). */
    boolean favoured() {
        return favoured;
    }

    /**
     * Runs {@code change} (on this thread, or on the calling platform thread, see the class comment) and returns its
     * result or throws its exception, waiting for it even if interrupted.
     */
    <T> T run(Change<T> change) throws PluginOperationException {
        Thread current = Thread.currentThread();
        if (current == thread) {
            return change.run();
        }
        if (!current.isVirtual() && nice == 0) {
            return runOnCaller(current, change);
        }
        Future<T> result;
        try {
            result = executor.submit(change::run);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the plugin runtime is closed; no plugin change can be made", e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // the change is under way and must finish as one piece: wait for it, keep the interrupt
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case PluginOperationException p -> throw p;
                        case RuntimeException r -> throw r;
                        case Error err -> throw err;
                        default -> throw new IllegalStateException("plugin change failed: " + e.getCause(), e.getCause());
                    }
                } catch (CancellationException e) {
                    throw new IllegalStateException("the runtime is closing; the plugin change was not made", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T runOnCaller(Thread current, Change<T> change) throws PluginOperationException {
        if (!callers.readLock().tryLock()) {
            throw new IllegalStateException("the plugin runtime is closing; no plugin change can be made");
        }
        ClassLoader loader = current.getContextClassLoader();
        boolean interrupted = Thread.interrupted();
        try {
            if (closed) {
                throw new IllegalStateException("the plugin runtime is closed; no plugin change can be made");
            }
            // see the constructor: framework code run by a change looks services up through the context loader
            current.setContextClassLoader(ClassLoader.getPlatformClassLoader());
            return change.run();
        } finally {
            current.setContextClassLoader(loader);
            if (Thread.interrupted() || interrupted) {
                current.interrupt();
            }
            callers.readLock().unlock();
        }
    }

    /** Lets a change under way finish (up to {@code seconds}), then stops the thread. */
    void close(long seconds) throws InterruptedException {
        closed = true;
        if (callers.getReadHoldCount() == 0 && !callers.writeLock().tryLock(seconds, TimeUnit.SECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "a plugin change still ran on its caller's thread after " + seconds
                    + " s; stopping anyway");
        }
        executor.shutdown();
        if (!executor.awaitTermination(seconds, TimeUnit.SECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "a plugin change still ran after " + seconds + " s; stopping anyway");
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        try {
            close(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
