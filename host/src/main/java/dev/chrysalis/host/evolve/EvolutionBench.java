package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.bench.SeededBug;
import dev.chrysalis.evolution.bench.SeededBugBench;
import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.pipeline.EvolutionSettings;
import dev.chrysalis.evolution.pipeline.StageTimes;
import dev.chrysalis.evolution.pipeline.TimingLog;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.TrialRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code bench evolution}: the evolution loop's numbers with the AST mutators alone. First the evidence -> verdict
 * time of a one-file repair (the first seeded bug, repaired {@code runs} times from scratch; median and p90) and
 * where it went, per stage from the loop's {@link TimingLog} (wall time per repair, median and p90; CPU time of the
 * loop's thread, of the whole host JVM and of the trial workers, which tells the stages apart on a busy machine), then the
 * seeded-bug set ({@link SeededBugBench}): per bug its outcome, candidates tried and time per batch, and in total
 * the repair rate and the false fixes (a winner that breaks a hidden replay case).
 */
public final class EvolutionBench {
    private EvolutionBench() {
    }

    /** The table's row for a run's wall time that no stage counted (the loop's own bookkeeping), so the rows add up. */
    private static final String UNSTAGED = "(in no stage)";

    /** The totals: repaired bugs, false fixes, bugs tried, median one-file repair time. */
    public record Summary(int repaired, int falseFixes, int bugs, Duration medianRepair) {
    }

    public static Summary run(EvolutionSetup setup, int runs, List<String> only, PrintWriter out) {
        if (runs < 1) {
            throw new EvolveException("--runs must be at least 1, got " + runs);
        }
        setup.requireSources();
        List<SeededBug> bugs = SeededBugBench.allBugs();
        if (!only.isEmpty()) {
            List<String> names = bugs.stream().map(SeededBug::name).toList();
            for (String o : only) {
                if (!names.contains(o)) {
                    throw new EvolveException("no seeded bug '" + o + "'; the set: " + String.join(", ", names));
                }
            }
            bugs = bugs.stream().filter(b -> only.contains(b.name())).toList();
        }
        Path work;
        try {
            work = Files.createTempDirectory("chrysalis-bench-evolution-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder: " + e.getMessage(), e);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        EvolutionSettings settings = EvolutionSettings.defaults();
        try (WorkerPool pool = new WorkerPool(SandboxLayout.fromBuildDirectory(setup.sandboxRuntime()),
                WorkerSettings.defaults(work.resolve("workers")))) {
            SeededBugBench bench = new SeededBugBench(setup.sources(), new PluginCompiler(setup.compileClasspath()),
                    new BundlePackager(setup.compileClasspath()), new TrialRunner(pool), settings);
            out.printf(Locale.ROOT, "bench evolution: AST mutators only, %d cores, budget %d candidates / %d s per batch, trial k=%d%n",
                    cores, settings.candidatesPerBatch(), settings.wallTime().toSeconds(), settings.trial().runsPerCase());
            SeededBug first = bugs.getFirst();
            List<Duration> times = new ArrayList<>();
            Map<String, List<StageTimes.Step>> steps = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                Path runDir = work.resolve("repair-" + i);
                SeededBugBench.Row row = bench.run(first, runDir);
                out.printf(Locale.ROOT, "  one-file repair %d/%d (%s): %s, %d candidates, %.2f s evidence -> verdict%n", i + 1, runs,
                        first.name(), row.outcome(), row.candidates(), seconds(row.elapsed()));
                out.flush();
                times.add(row.elapsed());
                List<TimingLog.Entry> logged = new TimingLog(runDir.resolve("data/evolution/timings.jsonl")).read();
                if (!logged.isEmpty()) {
                    TimingLog.Entry last = logged.getLast();
                    last.steps().steps().forEach(st -> steps.computeIfAbsent(st.name(), k -> new ArrayList<>()).add(st));
                    Duration staged = last.steps().steps().stream().map(StageTimes.Step::wall).reduce(Duration.ZERO, Duration::plus);
                    steps.computeIfAbsent(UNSTAGED, k -> new ArrayList<>())
                            .add(new StageTimes.Step(UNSTAGED, last.elapsed().minus(staged), Duration.ZERO, 1));
                }
            }
            times.sort(Comparator.naturalOrder());
            Duration median = times.get(times.size() / 2);
            out.printf(Locale.ROOT, "evidence -> verdict, one-file repair: median %.2f s, p90 %.2f s of %d runs (target < 5 s on 2 cores)%n",
                    seconds(median), seconds(percentile(times, 0.9)), runs);
            printSteps(out, steps, runs);
            out.printf("%-40s %-10s %5s %8s  %s%n", "BUG", "OUTCOME", "CANDS", "SECONDS", "WINNER");
            int repaired = 0;
            int falseFixes = 0;
            Duration total = Duration.ZERO;
            for (SeededBug bug : bugs) {
                SeededBugBench.Row row = bench.run(bug, work.resolve("set-" + bug.name()));
                boolean ok = row.outcome().equals("repaired");
                repaired += ok && !row.falseFix() ? 1 : 0;
                falseFixes += row.falseFix() ? 1 : 0;
                total = total.plus(row.elapsed());
                out.printf(Locale.ROOT, "%-40s %-10s %5d %8.2f  %s%n", bug.name(), row.falseFix() ? "FALSE FIX" : ok ? "repaired" : "not",
                        row.candidates(), seconds(row.elapsed()), row.winner().orElse(ok ? "" : row.outcome()));
                out.flush();
            }
            out.printf(Locale.ROOT, "repaired %d/%d (%.0f%%), false fixes %d, time per batch %.2f s mean (target >= 80%% repaired, no false fixes)%n",
                    repaired, bugs.size(), 100.0 * repaired / bugs.size(), falseFixes, seconds(total) / bugs.size());
            return new Summary(repaired, falseFixes, bugs.size(), median);
        } catch (IOException e) {
            throw new UncheckedIOException("bench evolution: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** Per step: how often it ran per repair, its median and p90 wall time per repair, and the thread CPU time it used. */
    private static void printSteps(PrintWriter out, Map<String, List<StageTimes.Step>> steps, int runs) {
        out.printf("  %-22s %7s %9s %9s %9s%n", "STAGE (per repair)", "COUNT", "MEDIAN s", "P90 s", "CPU s");
        steps.forEach((name, list) -> {
            List<Duration> wall = new ArrayList<>(list.stream().map(StageTimes.Step::wall).toList());
            while (wall.size() < runs) {
                wall.add(Duration.ZERO); // a run that never reached this step
            }
            wall.sort(Comparator.naturalOrder());
            List<Duration> cpu = new ArrayList<>(list.stream().map(StageTimes.Step::cpu).sorted().toList());
            double count = list.stream().mapToInt(StageTimes.Step::count).sum() / (double) runs;
            out.printf(Locale.ROOT, "  %-22s %7.1f %9.3f %9.3f %9.3f%n", name, count, seconds(wall.get(wall.size() / 2)),
                    seconds(percentile(wall, 0.9)), seconds(cpu.get(cpu.size() / 2)));
        });
    }

    /** The nearest-rank percentile of sorted durations. */
    private static Duration percentile(List<Duration> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a scratch folder left in the temp directory is harmless
        }
    }
}
