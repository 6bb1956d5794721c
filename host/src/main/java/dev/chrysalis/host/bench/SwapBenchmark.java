package dev.chrysalis.host.bench;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentConfig;
import dev.chrysalis.host.agent.TurnRecorder;
import dev.chrysalis.host.runtime.PluginOperationException;
import dev.chrysalis.host.runtime.PluginRuntime;
import dev.chrysalis.host.runtime.RuntimeConfig;
import dev.chrysalis.host.runtime.SwapReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code chrysalis bench swap}: sessions call the bench skill continuously while it is hot-swapped back and
 * forth between two versions; prints swap latency percentiles and the calls that failed or were served by
 * the wrong version. Target: p99 below 20 ms and no failed call. Exit code 0 when no call failed and every
 * answer came from the right version, 1 otherwise, 2 for bad arguments.
 *
 * <p>{@code --staged} stages each jar ({@link PluginRuntime#stage}: installed, guarded, started beside the live
 * version, as a promotion does) before the timed swap, which then only cuts over to it and drains: the latency of
 * a swap whose preparation was done ahead of the request.
 */
public final class SwapBenchmark {
    private static final String USAGE = "usage: bench swap [--swaps N (100)] [--sessions N (32)] [--pause-ms N (10)] "
            + "[--warmup N (30) swaps before the load starts, not measured] "
            + "[--settle-s N (30): seconds of unmeasured swaps under load before the timed ones, for the JIT; 0: none] "
            + "[--staged: stage each jar before its timed swap] "
            + "[--bundles DIR (-Dchrysalis.bundles)]";

    private SwapBenchmark() {
    }

    public static int run(PrintStream out, String... args) {
        int swaps = 100;
        int sessions = 32;
        int pauseMs = 10;
        int warmup = 30;
        int settleSeconds = 30;
        Path bundles = RuntimeConfig.defaultBundlesDir();
        boolean staged = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (args[i].equals("--staged")) {
                    staged = true;
                    continue;
                }
                switch (args[i]) {
                    case "--swaps" -> swaps = positive("--swaps", value);
                    case "--sessions" -> sessions = positive("--sessions", value);
                    case "--pause-ms" -> pauseMs = positive("--pause-ms", value);
                    case "--warmup" -> warmup = nonNegative("--warmup", value);
                    case "--settle-s" -> settleSeconds = nonNegative("--settle-s", value);
                    case "--bundles" -> bundles = Path.of(required("--bundles", value));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
                i++;
            }
        } catch (IllegalArgumentException e) {
            out.println("bench swap: " + e.getMessage());
            out.println(USAGE);
            return 2;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("chrysalis-bench-swap-");
            return measure(out, work, bundles, new Plan(swaps, sessions, pauseMs, warmup, settleSeconds, staged));
        } catch (IOException e) {
            out.println("bench swap: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("bench swap: interrupted");
            return 1;
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** What one run does: {@code warmup} swap pairs without load, then {@code settleSeconds} of swaps under it, then the timed swaps. */
    private record Plan(int swaps, int sessions, int pauseMs, int warmup, int settleSeconds, boolean staged) {
    }

    private static int measure(PrintStream out, Path work, Path bundles, Plan plan) throws IOException, InterruptedException {
        int swaps = plan.swaps();
        int sessions = plan.sessions();
        int pauseMs = plan.pauseMs();
        int warmup = plan.warmup();
        boolean staged = plan.staged();
        Path bundleDir = Files.createDirectories(work.resolve("bundles"));
        copyBaseBundles(bundles, bundleDir);
        Path v1 = BenchBundles.write(bundleDir, "1.0.0");
        Path v2 = BenchBundles.write(work.resolve("offered"), "2.0.0");
        Path v1Offer = Files.copy(v1, work.resolve("offered").resolve("bench-echo-1.0.0.jar"));
        RuntimeConfig config = RuntimeConfig.of(work.resolve("data"), bundleDir);
        long tStart = System.nanoTime();
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            long tStarted = System.nanoTime();
            if (runtime.plugin(BenchBundles.SYMBOLIC_NAME).isEmpty()) {
                out.println("bench swap: the bench skill did not start: " + runtime.failedPlugins());
                return 1;
            }
            try {
                // Swapping is rare in a real host, so its code is cold; warm it (unmeasured, no load) like any JVM benchmark.
                for (int i = 0; i < warmup * 2; i++) {
                    Path offer = i % 2 == 0 ? v2 : v1Offer;
                    stageIfAsked(runtime, offer, staged);
                    runtime.swap(BenchBundles.SKILL, offer);
                }
            } catch (PluginOperationException e) {
                out.println("bench swap: a warm-up swap was refused: " + e.getMessage());
                return 1;
            }
            String d1 = runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME);
            Agent agent = new Agent(runtime, new BenchBrain(), TurnRecorder.none(), Clock.systemUTC(),
                    new SplittableRandom(1), AgentConfig.under(work.resolve("data")));
            SwapLoad load = new SwapLoad(agent, sessions);
            List<SwapReport> reports = new ArrayList<>();
            List<SwapLoad.SwapMark> marks = new ArrayList<>();
            String d2 = "";
            long tWarm = System.nanoTime();
            load.start();
            long tLoad = System.nanoTime();
            Settling settling;
            double measuredJitShare;
            try {
                settling = settle(runtime, v2, v1Offer, plan, marks);
                long jit0 = compileMillis();
                long w0 = System.nanoTime();
                for (int i = 0; i < swaps; i++) {
                    // the settling swaps may have ended on either version: offer the one that is not live
                    Path offer = d1.equals(runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME)) ? v2 : v1Offer;
                    reports.add(swapAfterPause(runtime, offer, plan, marks));
                }
                measuredJitShare = jitShare(jit0, w0);
                Thread.sleep(pauseMs);
            } catch (PluginOperationException e) {
                out.println("bench swap: a swap was refused: " + e.getMessage());
                load.stop();
                return 1;
            }
            for (SwapLoad.SwapMark m : marks) {
                if (!m.toDigest().equals(d1)) {
                    d2 = m.toDigest();
                }
            }
            long tSwapped = System.nanoTime();
            List<SwapLoad.Call> calls = load.stop();
            long tStopped = System.nanoTime();
            SwapLoad.Verdict verdict = SwapLoad.check(calls, marks, d1, Map.of(d1, "1.0.0", d2, "2.0.0"));
            print(out, sessions, swaps, warmup, staged, reports, verdict);
            out.printf(Locale.ROOT, "JIT compilation: %s; %.0f%% during the timed swaps%n",
                    settling.describe(), 100 * measuredJitShare);
            List<Duration> callTimes = calls.stream().map(c -> Duration.ofNanos(c.endNanos() - c.startNanos())).sorted().toList();
            out.printf(Locale.ROOT, "call latency (one turn): p50 %.3f ms  p99 %.3f ms  max %.2f ms%n",
                    ms(percentile(callTimes, 50)), ms(percentile(callTimes, 99)), ms(callTimes.getLast()));
            out.printf(Locale.ROOT, "phases: framework start %.0f ms, warm-up %.0f ms, sessions start %.0f ms, swaps %.0f ms, "
                    + "sessions stop %.0f ms%n", (tStarted - tStart) / 1e6, (tWarm - tStarted) / 1e6, (tLoad - tWarm) / 1e6,
                    (tSwapped - tLoad) / 1e6, (tStopped - tSwapped) / 1e6);
            return verdict.clean() ? 0 : 1;
        }
    }

    private static void print(PrintStream out, int sessions, int swaps, int warmup, boolean staged, List<SwapReport> reports,
                              SwapLoad.Verdict v) {
        List<Duration> total = reports.stream().map(SwapReport::duration).sorted().toList();
        List<Duration> cpuSorted = reports.stream().map(SwapReport::cpu).sorted().toList();
        List<Duration> cutover = reports.stream().map(SwapReport::cutover).sorted().toList();
        out.printf(Locale.ROOT, "bench swap: %d sessions calling skill %s continuously, %d swaps between 1.0.0 and 2.0.0 "
                + "(after %d unmeasured warm-up swaps)%s%n", sessions, BenchBundles.SKILL, swaps, warmup * 2,
                staged ? "; each jar staged beside the live version before its swap (install, guard, start not timed)" : "");
        out.printf(Locale.ROOT, "swap latency (call -> no call left on the old version): p50 %.2f ms  p99 %.2f ms  max %.2f ms%n",
                ms(percentile(total, 50)), ms(percentile(total, 99)), ms(total.getLast()));
        out.printf(Locale.ROOT, "cut-over latency (call -> new calls served by the new version): p50 %.2f ms  p99 %.2f ms  max %.2f ms%n",
                ms(percentile(cutover, 50)), ms(percentile(cutover, 99)), ms(cutover.getLast()));
        out.printf(Locale.ROOT, "CPU time of the swapping thread per swap: p50 %.2f ms  p99 %.2f ms  max %.2f ms "
                        + "(wall time above also counts waiting for a core: %d processors, load average %.1f)%n",
                ms(percentile(cpuSorted, 50)), ms(percentile(cpuSorted, 99)), ms(cpuSorted.getLast()),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.println("swap phases (wall time, in the order they run, their sum is the swap latency; then the swapping "
                + "thread's CPU time in it):");
        Map<String, List<Duration>> phases = new java.util.LinkedHashMap<>();
        Map<String, List<Duration>> phaseCpu = new java.util.LinkedHashMap<>();
        for (SwapReport r : reports) {
            r.phases().forEach((name, d) -> phases.computeIfAbsent(name, n -> new ArrayList<>()).add(d));
            r.phaseCpu().forEach((name, d) -> phaseCpu.computeIfAbsent(name, n -> new ArrayList<>()).add(d));
        }
        phases.forEach((name, ds) -> {
            List<Duration> sorted = ds.stream().sorted().toList();
            List<Duration> cpu = phaseCpu.getOrDefault(name, List.of()).stream().sorted().toList();
            out.printf(Locale.ROOT, "  %-9s p50 %7.3f ms  p99 %7.3f ms  mean %7.3f ms | cpu p50 %6.3f ms  mean %6.3f ms%n", name,
                    ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), mean(sorted),
                    cpu.isEmpty() ? 0 : ms(percentile(cpu, 50)), mean(cpu));
        });
        out.printf(Locale.ROOT, "calls: %d, failed: %d, answered by the wrong version: %d, stale after a swap: %d, per version: %s%n",
                v.calls(), v.failed(), v.mismatched(), v.stale(), v.callsPerVersion());
        v.examples().forEach(e -> out.println("  " + e));
        boolean latency = ms(percentile(total, 99)) < 20.0;
        out.printf(Locale.ROOT, "target (p99 < 20 ms, 0 failed calls): %s%n",
                latency && v.clean() ? "met" : "MISSED" + (latency ? "" : " (latency)") + (v.clean() ? "" : " (calls)"));
    }

    /** The unmeasured swaps under load before the timed ones: how many, how long, and the JIT share in the first second. */
    private record Settling(int swaps, double seconds, double firstShare) {
        String describe() {
            if (swaps == 0) {
                return "no settling swaps under load (--settle-s 0)";
            }
            return String.format(Locale.ROOT, "%.0f%% of one core in the first second of %d unmeasured swaps under load (%.1f s)",
                    100 * firstShare, swaps, seconds);
        }
    }

    /**
     * Swaps under the load, unmeasured, for {@code settleSeconds}, like the warm-up iterations of any JVM benchmark.
     * The first swaps with sessions running deoptimize and recompile the call path for each new generation of the
     * skill's classes, and C2 is still compiling Felix's resolver and SCR: without this, the compiler threads take
     * about half a core from the swaps being timed, and the result depends on how far JIT warm-up had got
     * (measured: p50 22 ms over the first 100 swaps, 11 ms over 1,000). The JIT never falls silent here, as each
     * generation's skill classes are compiled anew; the report prints its share during the timed swaps. Every settling
     * swap is checked like a timed one: its marks go into {@code marks}.
     */
    private static Settling settle(PluginRuntime runtime, Path v2, Path v1, Plan plan, List<SwapLoad.SwapMark> marks)
            throws PluginOperationException, InterruptedException {
        long start = System.nanoTime();
        long limit = Duration.ofSeconds(plan.settleSeconds()).toNanos();
        long jit0 = compileMillis();
        double firstShare = -1;
        int n = 0;
        while (System.nanoTime() - start < limit) {
            swapAfterPause(runtime, n % 2 == 0 ? v2 : v1, plan, marks);
            n++;
            if (firstShare < 0 && System.nanoTime() - start >= 1_000_000_000L) {
                firstShare = jitShare(jit0, start);
            }
        }
        return new Settling(n, (System.nanoTime() - start) / 1e9, firstShare < 0 ? jitShare(jit0, start) : firstShare);
    }

    /** Pauses, stages {@code offer} when the plan says so, swaps to it, and marks the swap's window in {@code marks}. */
    private static SwapReport swapAfterPause(PluginRuntime runtime, Path offer, Plan plan, List<SwapLoad.SwapMark> marks)
            throws PluginOperationException, InterruptedException {
        Thread.sleep(plan.pauseMs());
        stageIfAsked(runtime, offer, plan.staged());
        long t0 = System.nanoTime();
        SwapReport report = runtime.swap(BenchBundles.SKILL, offer);
        marks.add(new SwapLoad.SwapMark(t0, System.nanoTime(), report.toDigest()));
        return report;
    }

    /** With {@code --staged}: installs, guards and starts {@code offer} beside the live version, as a promotion does. */
    private static void stageIfAsked(PluginRuntime runtime, Path offer, boolean staged) throws PluginOperationException {
        if (staged) {
            runtime.stage(BenchBundles.SKILL, offer);
        }
    }

    /** Milliseconds the JIT compilers have spent so far (summed over compiler threads), or 0 where not reported. */
    private static long compileMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** JIT compile time since {@code jit0} as a share of one core over the wall time since {@code wall0}. */
    private static double jitShare(long jit0, long wall0) {
        double wallMillis = (System.nanoTime() - wall0) / 1e6;
        return wallMillis <= 0 ? 0 : (compileMillis() - jit0) / wallMillis;
    }

    static Duration percentile(List<Duration> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double mean(List<Duration> ds) {
        return ds.stream().mapToLong(Duration::toNanos).average().orElse(0) / 1e6;
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    /** Copies the bundles without a Chrysalis-Plugin-Kind header (SCR and the OSGi APIs). */
    private static void copyBaseBundles(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IOException("bundles folder " + from.toAbsolutePath() + " does not exist (build the host, or pass --bundles)");
        }
        try (Stream<Path> jars = Files.list(from)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    var manifest = file.getManifest();
                    if (manifest != null && manifest.getMainAttributes().getValue("Chrysalis-Plugin-Kind") == null) {
                        Files.copy(jar, to.resolve(jar.getFileName()));
                    }
                }
            }
        }
    }

    private static int nonNegative(String name, String value) {
        return "0".equals(value) ? 0 : positive(name, value);
    }

    private static int positive(String name, String value) {
        String v = required(name, value);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a whole number, not '" + v + "'");
        }
    }

    private static String required(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return value;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
