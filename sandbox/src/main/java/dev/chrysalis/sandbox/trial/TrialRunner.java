package dev.chrysalis.sandbox.trial;

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
import java.util.List;
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
        if (!Files.isRegularFile(candidateJar)) {
            throw new IllegalArgumentException("candidate bundle " + candidateJar + " does not exist or is not a file");
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("trial of " + candidateJar + ": no cases to replay");
        }
        cases.stream().filter(TurnCases::isTurn).forEach(TurnCases::validate);
        long start = System.nanoTime();
        String digest = sha256(candidateJar);
        List<CaseReport> reports = new ArrayList<>();
        try (Session session = new Session(candidateJar, digest, options)) {
            Optional<String> stopped = Optional.empty();
            for (ReplayCase c : cases) {
                List<CaseVerdict> runs = new ArrayList<>();
                for (int r = 0; r < options.runsPerCase(); r++) {
                    if (stopped.isPresent()) {
                        runs.add(new CaseVerdict.Skipped(stopped.get()));
                        continue;
                    }
                    CaseVerdict v = session.runOnce(c);
                    runs.add(v);
                    if (v instanceof CaseVerdict.Violation && options.stopOnViolation()) {
                        stopped = Optional.of("trial stopped after a violation in case '" + c.id() + "'");
                    }
                }
                reports.add(new CaseReport(c.id(), runs));
            }
            return new TrialReport(candidateJar, digest, TrialVerdict.of(reports), reports,
                    Duration.ofNanos(System.nanoTime() - start), session.workersUsed);
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

        Session(Path jar, String digest, TrialOptions options) {
            this.jar = jar;
            this.digest = digest;
            this.options = options;
        }

        CaseVerdict runOnce(ReplayCase c) {
            if (loadFailure.isPresent()) {
                return loadFailure.get();
            }
            try {
                if (worker == null) {
                    Optional<CaseVerdict> failed = load();
                    if (failed.isPresent()) {
                        return failed.get();
                    }
                }
                if (TurnCases.isTurn(c) && !turnsPrepared) {
                    Optional<CaseVerdict> failed = prepareTurns();
                    if (failed.isPresent()) {
                        return failed.get();
                    }
                }
                WorkerReply reply = worker.run(++seq, ReplayCases.toJsonLine(c), options.caseTimeout(), options.caseCpuLimit());
                if (reply instanceof WorkerReply.Answer answer) {
                    return CaseJudge.judge(c, answer.message(), answer.elapsed());
                }
                endWorker();
                return fromBreach(reply);
            } catch (IOException e) {
                String tail = worker != null ? worker.stderrTail() : "";
                endWorker();
                return new CaseVerdict.Crash("lost contact with the worker: " + e.getMessage(), tail);
            } catch (WorkerStartException e) {
                return new CaseVerdict.Crash("no worker could be started: " + e.getMessage(), "");
            }
        }

        /** Starts the shipped plugins in this worker before its first turn case, under the load limits, not a case's. */
        private Optional<CaseVerdict> prepareTurns() throws IOException {
            WorkerReply reply = worker.prepareTurns(options.loadTimeout(), options.loadTimeout());
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
            worker = pool.take();
            workersUsed++;
            turnsPrepared = false;
            WorkerReply reply = worker.load(jar, digest, options.loadTimeout(), options.loadTimeout());
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
                pool.retire(worker);
                worker = null;
            }
        }

        @Override
        public void close() {
            endWorker();
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
