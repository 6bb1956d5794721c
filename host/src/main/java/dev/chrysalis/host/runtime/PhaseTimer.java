package dev.chrysalis.host.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wall time of one change, phase by phase: each {@link #end} closes the phase that began at the previous
 * one (or at the start). A phase ended twice adds up. Used by one thread at a time.
 */
final class PhaseTimer {
    private final long start;
    private long last;
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    PhaseTimer(long startNanos) {
        this.start = startNanos;
        this.last = startNanos;
    }

    /** Ends the phase {@code name} now; returns now ({@link System#nanoTime()}). */
    long end(String name) {
        long now = System.nanoTime();
        nanos.merge(name, now - last, Long::sum);
        last = now;
        return now;
    }

    long start() {
        return start;
    }

    /** Every ended phase in the order first ended; the durations add up to the time from the start to the last end. */
    Map<String, Duration> phases() {
        Map<String, Duration> out = new LinkedHashMap<>();
        nanos.forEach((name, n) -> out.put(name, Duration.ofNanos(n)));
        return out;
    }
}
