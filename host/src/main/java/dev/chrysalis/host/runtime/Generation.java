package dev.chrysalis.host.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.osgi.framework.Bundle;

/**
 * One installed bundle of a plugin (one jar, one digest). Counts the leases open on it so a swap can wait
 * for in-flight calls to drain before uninstalling it.
 *
 * <p>The acquire/retire handshake is Dekker-style on two sequentially consistent variables: a caller
 * increments {@code inflight} and then reads {@code retired}; the swapper sets {@code retired} and then reads
 * {@code inflight}. At least one of them sees the other's write, so either the caller backs off and retries
 * on the new generation, or the swapper waits for the caller's lease to close.
 */
final class Generation {
    private final BundleJar source;
    private final PluginKind kind;
    private final Path jar;
    private final Bundle bundle;
    /**
     * Read once: Felix answers {@code getBundleId()} under the bundle archive's monitor, which an uninstall or refresh
     * on the retirer thread can hold for hundreds of milliseconds, and every skill call looks its service up by it.
     */
    private final long bundleId;
    private final AtomicInteger inflight = new AtomicInteger();
    private volatile boolean retired;
    /** The thread waiting in {@link #retireAndDrain}, woken by the release that closes the last use. */
    private volatile Thread drainer;

    Generation(BundleJar source, PluginKind kind, Path jar, Bundle bundle) {
        this.source = Objects.requireNonNull(source, "source");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.jar = Objects.requireNonNull(jar, "jar");
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.bundleId = bundle.getBundleId();
    }

    String symbolicName() {
        return source.symbolicName();
    }

    String version() {
        return source.version();
    }

    /** The jar's bytes as installed (kept so the first swap of a shipped plugin can store it for rollback). */
    BundleJar source() {
        return source;
    }

    PluginKind kind() {
        return kind;
    }

    String digest() {
        return source.digest();
    }

    Path jar() {
        return jar;
    }

    Bundle bundle() {
        return bundle;
    }

    long bundleId() {
        return bundleId;
    }

    /** Opens a use of this generation; false when it has been retired (the caller retries on the live one). */
    boolean tryAcquire() {
        inflight.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (inflight.decrementAndGet() == 0 && retired) {
            Thread waiting = drainer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    int inflight() {
        return inflight.get();
    }

    boolean retired() {
        return retired;
    }

    /** Stops new uses; returns true when every open use closed within {@code timeout}. */
    boolean retireAndDrain(Duration timeout) {
        drainer = Thread.currentThread();
        retired = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (inflight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // the last release unparks us; the cap only bounds the wait should a wake-up be missed
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
                // an interrupt would end every park at once: the drain still waits, and the interrupt is kept
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            drainer = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return symbolicName() + " " + version() + " [" + bundleId + "] sha256:" + digest().substring(0, 12);
    }
}
