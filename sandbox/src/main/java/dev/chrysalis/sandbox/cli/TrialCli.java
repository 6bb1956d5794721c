package dev.chrysalis.sandbox.cli;

import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.Worker;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerReply;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.CaseReport;
import dev.chrysalis.sandbox.trial.CaseVerdict;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TrialVerdict;
import dev.chrysalis.sandbox.trial.TurnCases;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import dev.chrysalis.spi.replay.ReplayFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code trial --bundle X.jar --cases cases.jsonl}: replays the cases against the bundle in sandboxed
 * workers and prints a table; {@code bench trial --bundle X.jar --cases cases.jsonl}: measures cold worker
 * start, warm time per case and time per trial (k = 3). The host CLI delegates both commands here.
 *
 * <p>Options: {@code --skill NAME} (skill of lines that name none; default: the cases file's directory
 * name), {@code --runs K}, {@code --timeout-ms N}, {@code --cpu-ms N}, {@code --runtime DIR} (a sandbox
 * build folder; default: the {@code chrysalis.sandbox.*} system properties), {@code --iterations N} (bench).
 * Exit status: 0 the candidate passed, 1 it did not, 2 bad usage or input.
 */
public final class TrialCli {
    private TrialCli() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    public static int run(PrintStream out, PrintStream err, String... args) {
        List<String> words = List.of(args);
        try {
            if (!words.isEmpty() && words.getFirst().equals("trial")) {
                return trial(out, options(words.subList(1, words.size())));
            }
            if (words.size() >= 2 && words.get(0).equals("bench") && words.get(1).equals("trial")) {
                return bench(out, options(words.subList(2, words.size())));
            }
            err.println("usage: trial --bundle X.jar --cases cases.jsonl [--skill NAME] [--runs K] [--timeout-ms N] [--cpu-ms N] [--runtime DIR]");
            err.println("       bench trial --bundle X.jar --cases cases.jsonl [--iterations N] [--runtime DIR]");
            return 2;
        } catch (UsageException | ReplayFormatException | IllegalArgumentException | IllegalStateException e) {
            err.println("trial: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("trial: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("trial: failed: " + e);
            return 2;
        }
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static Map<String, String> options(List<String> words) throws UsageException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--") || i + 1 >= words.size()) {
                throw new UsageException("expected --option value, got '" + w + "'");
            }
            options.put(w.substring(2), words.get(++i));
        }
        for (String required : List.of("bundle", "cases")) {
            if (!options.containsKey(required)) {
                throw new UsageException("missing --" + required);
            }
        }
        return options;
    }

    private static List<ReplayCase> cases(Map<String, String> o) throws IOException {
        Path file = Path.of(o.get("cases"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("cases file " + file + " does not exist");
        }
        Path parent = file.toAbsolutePath().getParent();
        String skill = o.getOrDefault("skill", parent == null ? "skill" : parent.getFileName().toString());
        List<ReplayCase> cases = ReplayCases.parse(Files.readString(file), skill, file.toString());
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("cases file " + file + " holds no cases");
        }
        return cases;
    }

    private static SandboxLayout layout(Map<String, String> o) {
        return o.containsKey("runtime") ? SandboxLayout.fromBuildDirectory(Path.of(o.get("runtime")))
                : SandboxLayout.fromSystemProperties();
    }

    private static int integer(Map<String, String> o, String key, int fallback) throws UsageException {
        try {
            return Integer.parseInt(o.getOrDefault(key, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be an integer, got '" + o.get(key) + "'");
        }
    }

    private static int trial(PrintStream out, Map<String, String> o) throws Exception {
        Path bundle = Path.of(o.get("bundle"));
        List<ReplayCase> cases = cases(o);
        TrialOptions defaults = TrialOptions.defaults();
        TrialOptions options = new TrialOptions(integer(o, "runs", defaults.runsPerCase()),
                Duration.ofMillis(integer(o, "timeout-ms", (int) defaults.caseTimeout().toMillis())),
                Duration.ofMillis(integer(o, "cpu-ms", (int) defaults.caseCpuLimit().toMillis())),
                defaults.loadTimeout(), defaults.stopOnViolation());
        Path work = Files.createTempDirectory("chrysalis-trial-");
        try (WorkerPool pool = new WorkerPool(layout(o), WorkerSettings.defaults(work).withWarmWorkers(0))) {
            TrialReport report = new TrialRunner(pool).run(bundle, cases, options);
            print(out, report, options);
            return report.verdict() instanceof TrialVerdict.Pass ? 0 : 1;
        } finally {
            deleteTree(work);
        }
    }

    static void print(PrintStream out, TrialReport report, TrialOptions options) {
        int idWidth = Math.max(4, report.cases().stream().mapToInt(c -> c.caseId().length()).max().orElse(4));
        StringBuilder header = new StringBuilder(String.format("%-" + idWidth + "s", "case"));
        for (int r = 1; r <= options.runsPerCase(); r++) {
            header.append(String.format("  %-9s", "run " + r));
        }
        out.println(header.append("  verdict    detail"));
        for (CaseReport c : report.cases()) {
            StringBuilder row = new StringBuilder(String.format("%-" + idWidth + "s", c.caseId()));
            for (CaseVerdict v : c.runs()) {
                row.append(String.format("  %-9s", v.label()));
            }
            String verdict = c.flaky() ? "flaky" : c.outcome().label();
            row.append(String.format("  %-9s  %s", verdict, c.outcome().detail()));
            out.println(row);
        }
        out.printf(Locale.ROOT, "%nverdict: %s  (%d cases, k=%d, %d worker(s), %.2f s)  %s sha256:%s%n",
                report.verdict().label().toUpperCase(Locale.ROOT), report.cases().size(), options.runsPerCase(),
                report.workersUsed(), report.elapsed().toNanos() / 1e9, report.candidate().getFileName(), report.sha256());
    }

    private static int bench(PrintStream out, Map<String, String> o) throws Exception {
        Path bundle = Path.of(o.get("bundle"));
        List<ReplayCase> cases = cases(o);
        int iterations = integer(o, "iterations", 5);
        Path work = Files.createTempDirectory("chrysalis-bench-");
        try (WorkerPool pool = new WorkerPool(layout(o), WorkerSettings.defaults(work).withWarmWorkers(1))) {
            // cold start: process start until the worker's framework is up and it says ready
            List<Double> cold = new ArrayList<>();
            for (int i = 0; i < iterations; i++) {
                Worker w = pool.startWorker();
                cold.add(w.startup().toNanos() / 1e6);
                pool.retire(w);
            }
            // warm per case: one loaded worker, every case replayed `iterations` times after a warm-up round
            Worker w = pool.take();
            List<Double> perCase = new ArrayList<>();
            List<Double> firstCase = new ArrayList<>();
            List<Double> prepare = new ArrayList<>(); // turn cases: starting the shipped plugins, once per worker
            try {
                WorkerReply loaded = w.load(bundle, TrialRunnerDigest.of(bundle), Duration.ofSeconds(10), Duration.ofSeconds(10));
                if (!(loaded instanceof WorkerReply.Answer a) || !a.message().path("type").asText().equals("loaded")) {
                    throw new IllegalStateException("bench: candidate did not load: " + loaded);
                }
                if (cases.stream().anyMatch(TurnCases::isTurn)) {
                    long t0 = System.nanoTime();
                    WorkerReply prepared = w.prepareTurns(Duration.ofSeconds(30), Duration.ofSeconds(30));
                    if (!(prepared instanceof WorkerReply.Answer p) || !p.message().path("type").asText().equals("prepared")) {
                        throw new IllegalStateException("bench: the shipped plugins did not start: " + prepared);
                    }
                    prepare.add((System.nanoTime() - t0) / 1e6);
                }
                long seq = 0;
                for (int round = 0; round <= iterations; round++) {
                    for (ReplayCase c : cases) {
                        long t0 = System.nanoTime();
                        WorkerReply r = w.run(++seq, ReplayCases.toJsonLine(c), Duration.ofSeconds(10), Duration.ofSeconds(10));
                        if (!(r instanceof WorkerReply.Answer)) {
                            throw new IllegalStateException("bench: case " + c.id() + " did not answer: " + r);
                        }
                        if (round > 0) {
                            perCase.add((System.nanoTime() - t0) / 1e6);
                        } else if (seq == 1) {
                            firstCase.add((System.nanoTime() - t0) / 1e6);
                        }
                    }
                }
            } finally {
                pool.retire(w);
            }
            // per trial, k = 3, warm pool (the pool refills in the background between trials)
            TrialRunner runner = new TrialRunner(pool);
            List<Double> trials = new ArrayList<>();
            String verdict = "";
            for (int i = 0; i < iterations; i++) {
                TrialReport report = runner.run(bundle, cases, TrialOptions.defaults());
                trials.add(report.elapsed().toNanos() / 1e6);
                verdict = report.verdict().label();
                Thread.sleep(1500); // let the pool warm its next worker, as between real trials
            }
            long turnCases = cases.stream().filter(TurnCases::isTurn).count();
            out.printf(Locale.ROOT, "bench trial: %s, %d cases (%d turn cases), %d iterations, network isolation %s, OS limits %s%n",
                    bundle.getFileName(), cases.size(), turnCases, iterations,
                    pool.isolation().active() ? String.join(" ", pool.isolation().prefix()) : "none",
                    pool.osLimits().map(l -> "cpu " + l.cpuSeconds() + " s, " + l.openFiles() + " files, "
                            + (l.fileSizeBytes() >> 20) + " MiB per file").orElse("none"));
            out.printf(Locale.ROOT, "%-34s %10s %10s %10s %10s%n", "measure", "median ms", "min ms", "max ms", "target");
            row(out, "cold worker start (to ready)", cold, "< 1000");
            if (!prepare.isEmpty()) {
                row(out, "start shipped plugins (turn cases)", prepare, "");
            }
            row(out, "first case in a loaded worker", firstCase, "");
            row(out, "warm replay, per case", perCase, "< 50");
            row(out, "trial, k=3, warm pool (" + verdict + ")", trials, "");
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private static void row(PrintStream out, String name, List<Double> values, String target) {
        List<Double> sorted = values.stream().sorted().toList();
        out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %10.1f %10s%n", name, sorted.get(sorted.size() / 2), sorted.getFirst(),
                sorted.getLast(), target);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory; the OS cleans up
        }
    }

    /** The candidate digest the pool's workers are told (same as the trial report's). */
    private static final class TrialRunnerDigest {
        static String of(Path jar) throws IOException {
            try {
                var md = java.security.MessageDigest.getInstance("SHA-256");
                return java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(jar)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
