package dev.chrysalis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.pool.Worker;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerReply;
import dev.chrysalis.sandbox.support.CandidateBundles;
import dev.chrysalis.sandbox.support.SandboxFixture;
import dev.chrysalis.sandbox.trial.Behaviour;
import dev.chrysalis.sandbox.trial.CaseReport;
import dev.chrysalis.sandbox.trial.CaseVerdict;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TrialVerdict;
import dev.chrysalis.spi.replay.ReplayCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Well-behaved candidates in real workers: a correct one passes, a wrong one fails with a diff, a nondeterministic one is flaky. */
public class TrialVerdictsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static WorkerPool pool;
    static TrialRunner runner;
    static CandidateBundles bundles;

    @BeforeAll
    static void startPool() throws Exception {
        bundles = new CandidateBundles(temp.resolve("bundles"));
        pool = SandboxFixture.pool(temp.resolve("workers"), 1);
        runner = new TrialRunner(pool);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    /** A recorded adder call: a + b, the recorded clock, the roll the seeded generator gives. */
    public static ReplayCase adderCase(String id, int a, int b, int sum, long seed) {
        Instant clock = Instant.parse("2026-03-04T05:06:07Z");
        ObjectNode input = JSON.createObjectNode().put("a", a).put("b", b);
        ObjectNode expect = JSON.createObjectNode().put("sum", sum).put("at", clock.toString())
                .put("roll", new SplittableRandom(seed).nextInt(1000));
        return new ReplayCase(id, "adder", input, Optional.of(expect), Optional.empty(), clock, seed, Map.of(), 0);
    }

    private static Path adder(String component) throws Exception {
        return bundles.build(component.toLowerCase(), "dev.chrysalis.sandbox.good",
                Map.of("-dsannotations", "dev.chrysalis.sandbox.good." + component));
    }

    @Test
    void correctCandidatePassesEveryRunOfEveryCase() throws Exception {
        ReplayCase withFile = new ReplayCase("reads-workspace", "adder",
                JSON.createObjectNode().put("a", 1).put("b", 1).put("file", "notes/n.txt"),
                Optional.of(JSON.createObjectNode().put("sum", 2).put("at", ReplayCase.DEFAULT_CLOCK.toString())
                        .put("roll", new SplittableRandom(0).nextInt(1000)).put("file", "hello")),
                Optional.empty(), ReplayCase.DEFAULT_CLOCK, 0, Map.of("notes/n.txt", "hello\n"), 0);
        ReplayCase badInput = new ReplayCase("bad-input", "adder", JSON.createObjectNode().put("a", 1).put("b", "x"),
                Optional.empty(), Optional.of("must be integers"), ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0);

        TrialReport report = runner.run(adder("CorrectAdder"),
                List.of(adderCase("small", 2, 3, 5, 7), adderCase("negative", -4, 1, -3, 99), withFile, badInput),
                TrialOptions.defaults());

        assertInstanceOf(TrialVerdict.Pass.class, report.verdict(), report::toString);
        assertEquals(4, report.cases().size());
        for (CaseReport c : report.cases()) {
            assertEquals(3, c.runs().size());
            c.runs().forEach(r -> assertInstanceOf(CaseVerdict.Pass.class, r, c::toString));
        }
        assertEquals(1, report.workersUsed(), "all runs of one candidate share its worker");
        assertEquals(64, report.sha256().length());
    }

    @Test
    void aStagedTrialReplaysEveryStageInOneWorkerAndItsRunsAddUp() throws Exception {
        ReplayCase small = adderCase("small", 2, 3, 5, 7);
        ReplayCase negative = adderCase("negative", -4, 1, -3, 99);
        try (TrialRunner.Trial trial = runner.open(adder("CorrectAdder"), TrialOptions.defaults())) {
            trial.replay(List.of(small), 1);
            TrialReport screen = trial.report();
            assertEquals(List.of("small"), screen.cases().stream().map(CaseReport::caseId).toList());
            assertEquals(1, screen.cases().getFirst().runs().size());

            trial.replay(List.of(small), 2);
            trial.replay(List.of(negative), 3);
            TrialReport full = trial.report();
            assertInstanceOf(TrialVerdict.Pass.class, full.verdict(), full::toString);
            assertEquals(List.of("small", "negative"), full.cases().stream().map(CaseReport::caseId).toList());
            for (CaseReport c : full.cases()) {
                assertEquals(3, c.runs().size(), "the stages add up to k runs of " + c.caseId());
            }
            assertEquals(1, full.workersUsed(), "every stage runs in the screen's worker");
            assertEquals(screen.times().acquire(), full.times().acquire(), "no second worker was waited for");
            assertEquals(screen.times().load(), full.times().load(), "the candidate was loaded once");
            assertTrue(full.times().replay().compareTo(screen.times().replay()) > 0, full.times().toString());
            assertTrue(full.times().workerCpu().isPositive(), "the worker's CPU time is measured: " + full.times());
        }
    }

    @Test
    void observingTellsAnswersRefusalsAndEscapedExceptionsApartWithoutJudgingOrReporting() throws Exception {
        ReplayCase answered = adderCase("answered", 2, 3, 999, 7); // a wrong expectation: observing does not judge
        ReplayCase refused = new ReplayCase("refused", "adder", JSON.createObjectNode().put("a", 1).put("b", "x"),
                Optional.empty(), Optional.of("anything"), ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0);
        ReplayCase threw = new ReplayCase("threw", "adder", JSON.createObjectNode().put("a", 1).put("b", 2).put("per", 0),
                Optional.empty(), Optional.of("anything"), ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0);
        try (TrialRunner.Trial trial = runner.open(adder("CorrectAdder"), TrialOptions.defaults())) {
            trial.replay(List.of(adderCase("small", 2, 3, 5, 7)), 1);
            Map<String, Behaviour> seen = trial.observe(List.of(answered, refused, threw));

            assertEquals(List.of("answered", "refused", "threw"), List.copyOf(seen.keySet()));
            var returned = assertInstanceOf(Behaviour.Returned.class, seen.get("answered"));
            assertEquals(5, JSON.readTree(returned.output()).path("sum").asInt(), returned.output());
            assertTrue(((Behaviour.Refused) seen.get("refused")).message().contains("must be integers"), seen.toString());
            var escaped = assertInstanceOf(Behaviour.Threw.class, seen.get("threw"));
            assertTrue(escaped.message().contains("ArithmeticException"), escaped.message());
            assertEquals(List.of(false, false, true), seen.values().stream().map(Behaviour::failed).toList());

            TrialReport report = trial.report();
            assertEquals(List.of("small"), report.cases().stream().map(CaseReport::caseId).toList(), "observed calls are not trial runs");
            assertEquals(1, report.workersUsed(), "observing runs in the trial's own worker");
            ReplayCase turn = new ReplayCase("t", "turn", JSON.createObjectNode().put("message", "hi"), Optional.empty(), Optional.of("x"),
                    ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0);
            var e = assertThrows(IllegalArgumentException.class, () -> trial.observe(List.of(turn)));
            assertTrue(e.getMessage().contains("turn case"), e.getMessage());
        }
    }

    @Test
    void aStagedTrialRejectsAStageWithNoCases() throws Exception {
        try (TrialRunner.Trial trial = runner.open(adder("CorrectAdder"), TrialOptions.defaults())) {
            var e = assertThrows(IllegalArgumentException.class, () -> trial.replay(List.of(), 1));
            assertTrue(e.getMessage().contains("no cases to replay"), e.getMessage());
            var nothing = assertThrows(IllegalStateException.class, trial::report);
            assertTrue(nothing.getMessage().contains("nothing replayed yet"), nothing.getMessage());
        }
    }

    @Test
    void wrongCandidateFailsWithAReadableDiff() throws Exception {
        TrialReport report = runner.run(adder("WrongAdder"), List.of(adderCase("small", 2, 3, 5, 7)),
                TrialOptions.defaults());

        var fail = assertInstanceOf(TrialVerdict.Fail.class, report.verdict(), report::toString);
        assertEquals(List.of("small"), fail.failedCases());
        var verdict = assertInstanceOf(CaseVerdict.Fail.class, report.cases().getFirst().outcome());
        assertEquals("$.sum: expected 5, got -1", verdict.diff());
        assertTrue(!report.cases().getFirst().flaky(), "a consistent failure is not flaky");
    }

    @Test
    void nondeterministicCandidateIsFlaky() throws Exception {
        TrialReport report = runner.run(adder("NondeterministicAdder"), List.of(adderCase("small", 2, 3, 5, 7)),
                TrialOptions.defaults());

        var flaky = assertInstanceOf(TrialVerdict.Flaky.class, report.verdict(), report::toString);
        assertEquals(List.of("small"), flaky.flakyCases());
        assertTrue(report.cases().getFirst().flaky());
    }

    @Test
    void candidateThatDoesNotResolveIsACrashNamingTheMissingPackage() throws Exception {
        Path jar = bundles.build("unresolvable", "dev.chrysalis.sandbox.good",
                Map.of("-dsannotations", "dev.chrysalis.sandbox.good.CorrectAdder",
                        "Import-Package", "com.example.missing;version=\"[9,10)\",*"));

        TrialReport report = runner.run(jar, List.of(adderCase("small", 2, 3, 5, 7)), TrialOptions.defaults());

        var crash = assertInstanceOf(CaseVerdict.Crash.class, report.cases().getFirst().outcome(), report::toString);
        assertTrue(crash.reason().contains("com.example.missing"), crash.reason());
        assertEquals(1, report.workersUsed(), "a candidate that cannot load is not retried per run");
    }

    @Test
    void missingCandidateIsRejectedWithItsPath() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> runner.run(temp.resolve("nope.jar"), List.of(adderCase("x", 1, 1, 2, 0)), TrialOptions.defaults()));
        assertTrue(e.getMessage().contains("nope.jar"), e.getMessage());
    }

    @Test
    void aWorkerNeverTakesASecondCandidate() throws Exception {
        Path jar = adder("CorrectAdder");
        Worker worker = pool.take();
        try {
            var loaded = assertInstanceOf(WorkerReply.Answer.class,
                    worker.load(jar, "first", Duration.ofSeconds(10), Duration.ofSeconds(10)));
            assertEquals("loaded", loaded.message().path("type").asText());
            var e = assertThrows(IllegalStateException.class,
                    () -> worker.load(jar, "second", Duration.ofSeconds(10), Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("already ran candidate first"), e.getMessage());
        } finally {
            pool.retire(worker);
        }
        assertTrue(Files.exists(jar));
    }
}
