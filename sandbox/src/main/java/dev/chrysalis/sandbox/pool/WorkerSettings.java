package dev.chrysalis.sandbox.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How workers are started: their limits and how many the pool keeps warm.
 *
 * @param heapMegabytes    -Xmx of each worker
 * @param threadCap        live threads a candidate may have started at once
 * @param maxOutputBytes   the most a candidate may print, and the largest output it may return
 * @param caseStackBytes   stack size of the thread each case runs on (bounds recursion)
 * @param warmWorkers      how many started, idle workers the pool keeps ready
 * @param startTimeout     how long a worker may take to report ready
 * @param isolateNetwork   run workers in a network namespace of their own where {@code unshare} allows
 * @param workRoot         where worker directories (scratch, framework cache) are created
 * @param osLimits         per-process limits applied with {@code prlimit} where the machine has it; empty: none
 */
public record WorkerSettings(int heapMegabytes, int threadCap, long maxOutputBytes, long caseStackBytes,
                             int warmWorkers, Duration startTimeout, boolean isolateNetwork, Path workRoot,
                             Optional<OsLimits> osLimits) {
    public WorkerSettings {
        if (heapMegabytes < 32) {
            throw new IllegalArgumentException("worker heap must be at least 32 MB, got " + heapMegabytes);
        }
        if (threadCap < 1 || maxOutputBytes < 1024 || caseStackBytes < 64 * 1024 || warmWorkers < 0) {
            throw new IllegalArgumentException("worker limits out of range: threads " + threadCap + ", output "
                    + maxOutputBytes + ", stack " + caseStackBytes + ", warm " + warmWorkers);
        }
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(workRoot, "workRoot");
        Objects.requireNonNull(osLimits, "osLimits");
    }

    /** Settings with the {@linkplain OsLimits#defaults() default OS limits}. */
    public WorkerSettings(int heapMegabytes, int threadCap, long maxOutputBytes, long caseStackBytes, int warmWorkers,
                          Duration startTimeout, boolean isolateNetwork, Path workRoot) {
        this(heapMegabytes, threadCap, maxOutputBytes, caseStackBytes, warmWorkers, startTimeout, isolateNetwork,
                workRoot, Optional.of(OsLimits.defaults()));
    }

    public static WorkerSettings defaults(Path workRoot) {
        return new WorkerSettings(256, 32, 1 << 20, 1 << 20, 1, Duration.ofSeconds(30), true, workRoot);
    }

    public WorkerSettings withWarmWorkers(int n) {
        return new WorkerSettings(heapMegabytes, threadCap, maxOutputBytes, caseStackBytes, n, startTimeout, isolateNetwork, workRoot, osLimits);
    }

    public WorkerSettings withHeapMegabytes(int mb) {
        return new WorkerSettings(mb, threadCap, maxOutputBytes, caseStackBytes, warmWorkers, startTimeout, isolateNetwork,
                workRoot, osLimits);
    }

    /** The same settings with other OS limits, or none ({@code Optional.empty()}). */
    public WorkerSettings withOsLimits(Optional<OsLimits> limits) {
        return new WorkerSettings(heapMegabytes, threadCap, maxOutputBytes, caseStackBytes, warmWorkers, startTimeout,
                isolateNetwork, workRoot, limits);
    }
}
