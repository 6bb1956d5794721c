package dev.chrysalis.host.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wall time of one change, phase by phase: each {@link #end} closes the phase that began at the previous
 * one (or at the start). A phase ended twice adds up. Also the CPU time the thread spent in each phase, where the
 * JVM can tell: a phase that began on another thread (the caller's, handing the change to the change thread)
 * counts none. Under a loaded machine the CPU time says what a phase costs; the wall time adds the waiting for a
 * core. Used by one thread at a time.
 */
final class PhaseTimer {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final long start;
    private long last;
    private Thread lastThread;
    private long lastCpu;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, Long> cpuNanos = new LinkedHashMap<>();

    PhaseTimer(long startNanos) {
        this.start = startNanos;
        this.last = startNanos;
        this.lastThread = Thread.currentThread();
        this.lastCpu = cpuNow();
    }

    /** Ends the phase {@code name} now; returns now ({@link System#nanoTime()}). */
    long end(String name) {
        long now = System.nanoTime();
        nanos.merge(name, now - last, Long::sum);
        last = now;
        long cpu = cpuNow();
        Thread current = Thread.currentThread();
        cpuNanos.merge(name, current == lastThread && cpu >= 0 && lastCpu >= 0 ? cpu - lastCpu : 0L, Long::sum);
        lastThread = current;
        lastCpu = cpu;
        return now;
    }

    long start() {
        return start;
    }

    /** Every ended phase in the order first ended; the durations add up to the time from the start to the last end. */
    Map<String, Duration> phases() {
        return durations(nanos);
    }

    /** The CPU time of every ended phase, in the same order ({@link #phases}); zero where it was not measured. */
    Map<String, Duration> phaseCpu() {
        return durations(cpuNanos);
    }

    private static Map<String, Duration> durations(Map<String, Long> nanos) {
        Map<String, Duration> out = new LinkedHashMap<>();
        nanos.forEach((name, n) -> out.put(name, Duration.ofNanos(n)));
        return out;
    }

    /** The current thread's CPU time in nanoseconds, or -1 where the JVM cannot tell. */
    private static long cpuNow() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
