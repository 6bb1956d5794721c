package dev.chrysalis.evolution.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where one evolution run spent its time: per step (locate, commit, compile, package, the trial's worker acquisition,
 * bundle load and case replay, ...) the wall-clock time, the CPU time of the thread that ran it, and how often it ran,
 * in the order the steps first ran. Confined to the thread of the run it measures.
 */
public final class StageTimes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One step's totals. */
    public record Step(String name, Duration wall, Duration cpu, int count) {
    }

    private final Map<String, long[]> steps = new LinkedHashMap<>();

    /** Runs {@code work} and adds its wall and CPU time to {@code step}. */
    public <T> T time(String step, Supplier<T> work) {
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(step, System.nanoTime() - t0, cpuNanos() - cpu0);
        }
    }

    /** Adds time measured elsewhere (e.g. inside a trial) to {@code step}; CPU time unknown there counts as zero. */
    public void add(String step, Duration wall) {
        add(step, wall.toNanos(), 0);
    }

    /** Adds CPU time spent outside this JVM (e.g. by trial workers) to {@code step}, with no wall time of its own. */
    public void addCpu(String step, Duration cpu) {
        add(step, 0, cpu.toNanos());
    }

    private void add(String step, long wallNanos, long cpuNanos) {
        long[] s = steps.computeIfAbsent(step, k -> new long[3]);
        s[0] += wallNanos;
        s[1] += cpuNanos;
        s[2]++;
    }

    public List<Step> steps() {
        List<Step> out = new ArrayList<>();
        steps.forEach((name, s) -> out.add(new Step(name, Duration.ofNanos(s[0]), Duration.ofNanos(s[1]), (int) s[2])));
        return out;
    }

    /** {"locate":{"wallMs":..,"cpuMs":..,"count":..},...} */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        for (Step s : steps()) {
            o.putObject(s.name()).put("wallMs", s.wall().toNanos() / 1e6).put("cpuMs", s.cpu().toNanos() / 1e6).put("count", s.count());
        }
        return o;
    }

    public static StageTimes fromJson(JsonNode o) {
        StageTimes t = new StageTimes();
        o.properties().forEach(e -> t.steps.put(e.getKey(), new long[] {
                Math.round(e.getValue().path("wallMs").asDouble() * 1e6),
                Math.round(e.getValue().path("cpuMs").asDouble() * 1e6),
                e.getValue().path("count").asLong()}));
        return t;
    }

    /** CPU time this JVM has used so far, all its threads together (JIT and GC included); zero where unknown. */
    public static Duration processCpu() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Duration.ofNanos(Math.max(0, os.getProcessCpuTime())) : Duration.ZERO;
    }

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
