package dev.chrysalis.sandbox.trial;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.pool.OsLimits;
import dev.chrysalis.sandbox.pool.Worker;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerReply;
import dev.chrysalis.sandbox.pool.WorkerStartException;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays cases against a candidate bundle in sandboxed workers: each case k times, each run judged in
 * the parent; a verdict per run and one for the trial. The candidate gets one worker from the pool; when a
 * run ends that worker (a limit, a violation, a crash) the next run gets a fresh one. Workers are retired
 * after the trial: none ever serves two candidates.
 */
public final class TrialRunner {

    private final WorkerPool pool;

    public TrialRunner(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Trials a candidate bundle: a skill, a router or a hook bundle (or one offering several).
     *
     * <p>Two kinds of case. A <b>skill case</b> ({@code "skill"} names one of the candidate's skills) calls that
     * skill with the recorded input and compares its output (or error) with the recorded one. A <b>turn case</b>
     * ({@code "skill":"turn"}, see {@link TurnCases}) replays a recorded user message the way the host's agent
     * runs a turn, through the same {@link dev.chrysalis.sandbox.turn.TurnPipeline}: the router decides, the
     * beforeTurn hooks run in priority order, the chosen skill is called under the limits, the afterTurn hooks
     * run; the shipped plugins serve the turn, with the candidate in place of the plugin it rewrites (same
     * symbolic name, or same kind and name; a candidate router replaces the shipped router). One JSON line:
     * <pre>
     * {"id":"km","skill":"turn","input":{"message":"convert 5 km to miles"},"clock":"2026-03-01T09:00:00Z","seed":7,
     *  "expect":{"route":{"skill":"units","arguments":{"value":5,"from":"km","to":"mi"}},
     *            "stored":{"excludes":["AKIA..."]}}}
     * </pre>
     * {@code expect.route} is the routing decision (skill and arguments, or {@code {"unrouted":true}}),
     * {@code expect.output} the first tool call's output, {@code expect.answer} the final answer after the hooks,
     * {@code expect.stored} texts that must ({@code contains}) or must never ({@code excludes}) appear in what the
     * turn stored (the turn as the last afterTurn hook left it, and every file the hooks wrote). Each part is
     * optional; a mismatch fails the case with one diff line per difference. Both kinds replay with the case's
     * recorded clock (fixed, UTC) and seed.
     *
     * @throws IllegalArgumentException when the jar is missing or there are no cases
     * @throws dev.chrysalis.spi.replay.ReplayFormatException when a turn case has no message or expects nothing
     */
    public TrialReport run(Path candidateJar, List<ReplayCase> cases, TrialOptions options) {
        try (Trial trial = open(candidateJar, options)) {
            trial.replay(cases, options.runsPerCase());
            return trial.report();
        }
    }

    /**
     * Opens a trial of a candidate that replays in stages, all in the same worker (a fresh one only after a worker
     * had to end), e.g. a screen on the evidence first and, only when it passes, the remaining runs of every case.
     * {@link Trial#report()} covers every run so far, so a staged trial whose stages add up to k runs of each case
     * reports exactly what {@link #run} does. Close it to retire its worker.
     *
     * @throws IllegalArgumentException when the jar is missing
     */
    public Trial open(Path candidateJar, TrialOptions options) {
        if (!Files.isRegularFile(candidateJar)) {
            throw new IllegalArgumentException("candidate bundle " + candidateJar + " does not exist or is not a file");
        }
        return new Trial(candidateJar, sha256(candidateJar), options);
    }

    /** One candidate's trial in stages: the runs of each case add up over {@link #replay} calls. */
    public final class Trial implements AutoCloseable {
        private final Path jar;
        private final String digest;
        private final TrialOptions options;
        private final Session session;
        private final Map<String, List<CaseVerdict>> runs = new LinkedHashMap<>();
        private final long start = System.nanoTime();
        private long busyNanos;
        private Optional<String> stopped = Optional.empty();

        private Trial(Path jar, String digest, TrialOptions options) {
            this.jar = jar;
            this.digest = digest;
            this.options = options;
            this.session = new Session(jar, digest, options);
        }

        /**
         * Replays each case {@code runsPerCase} more times (0: none), case by case; after a violation (with
         * {@link TrialOptions#stopOnViolation()}) every later run of this trial is skipped.
         *
         * @throws IllegalArgumentException when there are no cases or {@code runsPerCase} is negative
         * @throws dev.chrysalis.spi.replay.ReplayFormatException when a turn case has no message or expects nothing
         */
        public void replay(List<ReplayCase> cases, int runsPerCase) {
            if (cases.isEmpty()) {
                throw new IllegalArgumentException("trial of " + jar + ": no cases to replay");
            }
            if (runsPerCase < 0) {
                throw new IllegalArgumentException("trial of " + jar + ": runs per case must not be negative, got " + runsPerCase);
            }
            cases.stream().filter(TurnCases::isTurn).forEach(TurnCases::validate);
            long t0 = System.nanoTime();
            for (ReplayCase c : cases) {
                List<CaseVerdict> caseRuns = runs.computeIfAbsent(c.id(), id -> new ArrayList<>());
                for (int r = 0; r < runsPerCase; r++) {
                    if (stopped.isPresent()) {
                        caseRuns.add(new CaseVerdict.Skipped(stopped.get()));
                        continue;
                    }
                    CaseVerdict v = session.runOnce(c);
                    caseRuns.add(v);
                    if (v instanceof CaseVerdict.Violation && options.stopOnViolation()) {
                        stopped = Optional.of("trial stopped after a violation in case '" + c.id() + "'");
                    }
                }
            }
            busyNanos += System.nanoTime() - t0;
        }

        /**
         * Runs each skill case once in this trial's worker and returns what the bundle did, by case id, without judging it
         * against the case's expectation and without adding to {@link #report()}. A run that ends its worker (a limit, a
         * violation) is observed as such and the next case gets a fresh worker.
         *
         * @throws IllegalArgumentException for a turn case: a turn has no single behaviour to observe
         */
        public Map<String, Behaviour> observe(List<ReplayCase> cases) {
            cases.stream().filter(TurnCases::isTurn).findFirst().ifPresent(c -> {
                throw new IllegalArgumentException("trial of " + jar + ": case '" + c.id() + "' is a turn case; only skill calls can be observed");
            });
            long t0 = System.nanoTime();
            Map<String, Behaviour> seen = new LinkedHashMap<>();
            for (ReplayCase c : cases) {
                seen.put(c.id(), session.observeOnce(c));
            }
            busyNanos += System.nanoTime() - t0;
            return seen;
        }

        /** Every case replayed so far with all its runs, in the order cases were first replayed. */
        public TrialReport report() {
            List<CaseReport> reports = new ArrayList<>();
            runs.forEach((id, r) -> {
                if (!r.isEmpty()) {
                    reports.add(new CaseReport(id, r));
                }
            });
            if (reports.isEmpty()) {
                throw new IllegalStateException("trial of " + jar + ": nothing replayed yet");
            }
            return new TrialReport(jar, digest, TrialVerdict.of(reports), reports,
                    Duration.ofNanos(Math.min(busyNanos, System.nanoTime() - start)), session.workersUsed,
                    session.times());
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /** One candidate's use of workers during a trial. */
    private final class Session implements AutoCloseable {
        private final Path jar;
        private final String digest;
        private final TrialOptions options;
        private Worker worker;
        private Optional<CaseVerdict> loadFailure = Optional.empty();
        private long seq;
        private boolean turnsPrepared;
        int workersUsed;
        long acquireNanos;
        long loadNanos;
        long replayNanos;
        long retireNanos;
        long workerCpuNanos;

        TrialTimes times() {
            Duration cpu = Duration.ofNanos(workerCpuNanos).plus(worker != null ? worker.cpuTime() : Duration.ZERO);
            return new TrialTimes(Duration.ofNanos(acquireNanos), Duration.ofNanos(loadNanos), Duration.ofNanos(replayNanos),
                    Duration.ofNanos(retireNanos), cpu);
        }

        Session(Path jar, String digest, TrialOptions options) {
            this.jar = jar;
            this.digest = digest;
            this.options = options;
        }

        CaseVerdict runOnce(ReplayCase c) {
            Sent sent = send(c);
            return sent.ended().orElseGet(() -> CaseJudge.judge(c, sent.answer(), sent.elapsed()));
        }

        Behaviour observeOnce(ReplayCase c) {
            Sent sent = send(c);
            return sent.ended().<Behaviour>map(Behaviour.Ended::new).orElseGet(() -> CaseJudge.behaviour(sent.answer()));
        }

        /** Runs one case in this session's worker (loading the candidate first when needed): the worker's answer, or how the run ended. */
        private Sent send(ReplayCase c) {
            if (loadFailure.isPresent()) {
                return Sent.ended(loadFailure.get());
            }
            try {
                if (worker == null) {
                    Optional<CaseVerdict> failed = load();
                    if (failed.isPresent()) {
                        return Sent.ended(failed.get());
                    }
                }
                if (TurnCases.isTurn(c) && !turnsPrepared) {
                    Optional<CaseVerdict> failed = prepareTurns();
                    if (failed.isPresent()) {
                        return Sent.ended(failed.get());
                    }
                }
                long t0 = System.nanoTime();
                WorkerReply reply = worker.run(++seq, ReplayCases.toJsonLine(c), options.caseTimeout(), options.caseCpuLimit());
                replayNanos += System.nanoTime() - t0;
                if (reply instanceof WorkerReply.Answer answer) {
                    return new Sent(answer.message(), answer.elapsed(), Optional.empty());
                }
                endWorker();
                return Sent.ended(fromBreach(reply));
            } catch (IOException e) {
                String tail = worker != null ? worker.stderrTail() : "";
                endWorker();
                return Sent.ended(new CaseVerdict.Crash("lost contact with the worker: " + e.getMessage(), tail));
            } catch (WorkerStartException e) {
                return Sent.ended(new CaseVerdict.Crash("no worker could be started: " + e.getMessage(), ""));
            }
        }

        /** Starts the shipped plugins in this worker before its first turn case, under the load limits, not a case's. */
        private Optional<CaseVerdict> prepareTurns() throws IOException {
            long t0 = System.nanoTime();
            WorkerReply reply = worker.prepareTurns(options.loadTimeout(), options.loadTimeout());
            loadNanos += System.nanoTime() - t0;
            if (reply instanceof WorkerReply.Answer answer) {
                if (answer.message().path("type").asText().equals("prepared")) {
                    turnsPrepared = true;
                    return Optional.empty();
                }
                return Optional.of(new CaseVerdict.Crash("the shipped plugins for turn cases did not start: "
                        + answer.message().path("message").asText(), worker.stderrTail()));
            }
            endWorker();
            return Optional.of(fromBreach(reply));
        }

        private Optional<CaseVerdict> load() throws WorkerStartException, IOException {
            long t0 = System.nanoTime();
            worker = pool.take();
            long t1 = System.nanoTime();
            acquireNanos += t1 - t0;
            workersUsed++;
            turnsPrepared = false;
            WorkerReply reply = worker.load(jar, digest, options.loadTimeout(), options.loadTimeout());
            loadNanos += System.nanoTime() - t1;
            if (reply instanceof WorkerReply.Answer answer) {
                if (answer.message().path("type").asText().equals("loaded")) {
                    return Optional.empty();
                }
                CaseVerdict failed = new CaseVerdict.Crash("candidate did not load: " + answer.message().path("message").asText(),
                        worker.stderrTail());
                endWorker();
                loadFailure = Optional.of(failed); // deterministic: no point starting another worker per run
                return loadFailure;
            }
            endWorker();
            return Optional.of(fromBreach(reply));
        }

        private CaseVerdict fromBreach(WorkerReply reply) {
            return switch (reply) {
                case WorkerReply.Violated v -> new CaseVerdict.Violation(v.violation().rule(), v.violation().target(), v.violation().where());
                case WorkerReply.TimedOut t -> new CaseVerdict.Timeout(t.limit(), t.allowed());
                case WorkerReply.Died d -> d.outOfMemory()
                        ? new CaseVerdict.Violation(Rule.MEMORY_LIMIT, "the worker's heap (exit code " + d.exitCode() + ")", "worker")
                        : endedByOsLimit(d).orElseGet(() -> new CaseVerdict.Crash("worker exited with code " + d.exitCode(), d.stderrTail()));
                case WorkerReply.Answer a -> new CaseVerdict.Crash("unexpected answer " + a.message(), "");
            };
        }

        /** A worker the kernel ended at one of the pool's OS limits: CPU time is a timeout, a file too large a violation. */
        private Optional<CaseVerdict> endedByOsLimit(WorkerReply.Died died) {
            return pool.osLimits().flatMap(limits -> limits.breachFromExit(died.exitCode()).map(reason ->
                    died.exitCode() == OsLimits.EXIT_CPU_LIMIT
                            ? new CaseVerdict.Timeout(WorkerReply.Limit.CPU, Duration.ofSeconds(limits.cpuSeconds()))
                            : new CaseVerdict.Violation(Rule.OS_LIMIT, reason, "worker")));
        }

        private void endWorker() {
            if (worker != null) {
                long t0 = System.nanoTime();
                workerCpuNanos += worker.cpuTime().toNanos();
                pool.retire(worker);
                worker = null;
                retireNanos += System.nanoTime() - t0;
            }
        }

        @Override
        public void close() {
            endWorker();
        }
    }

    /** A worker's answer to one case, or how the run ended without one. */
    private record Sent(JsonNode answer, Duration elapsed, Optional<CaseVerdict> ended) {
        static Sent ended(CaseVerdict how) {
            return new Sent(null, Duration.ZERO, Optional.of(how));
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read candidate bundle " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
