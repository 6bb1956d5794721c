package dev.chrysalis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.support.CandidateBundles;
import dev.chrysalis.sandbox.support.SandboxFixture;
import dev.chrysalis.sandbox.trial.CaseVerdict;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TrialVerdict;
import dev.chrysalis.sandbox.trial.TurnCases;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Harness candidates (routers, hooks) and new skills trialled with turn cases: each recorded message runs
 * through the host's turn pipeline in a worker, with the shipped plugins and the candidate in place of the
 * one it rewrites. The cases are the harness bundles' own replay.jsonl files.
 */
public class HarnessTrialTest {
    @TempDir
    static Path temp;
    static WorkerPool pool;
    static TrialRunner runner;
    static CandidateBundles bundles;
    static final TrialOptions ONCE = TrialOptions.defaults().withRunsPerCase(1);

    @BeforeAll
    static void startPool() throws Exception {
        bundles = new CandidateBundles(temp.resolve("bundles"));
        pool = SandboxFixture.pool(temp.resolve("workers"), 1);
        runner = new TrialRunner(pool);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    static List<ReplayCase> harnessCases(String bundle) throws Exception {
        Path file = Path.of(System.getProperty("chrysalis.harness.dir"), bundle, "replay.jsonl");
        List<ReplayCase> cases = ReplayCases.parse(Files.readString(file), bundle, file.toString());
        assertTrue(!cases.isEmpty() && cases.stream().allMatch(TurnCases::isTurn), () -> file + " holds turn cases");
        return cases;
    }

    public static Path shipped(String artifact) {
        return SandboxLayout.fromSystemProperties().plugins().stream()
                .filter(p -> p.getFileName().toString().startsWith(artifact + "-")).findFirst().orElseThrow();
    }

    /** A candidate bundle of the one DS component {@code component} in package {@code dev.chrysalis.sandbox.harness.<name>}. */
    static Path candidate(String name, String component) throws Exception {
        String pkg = "dev.chrysalis.sandbox.harness." + name;
        return bundles.build(name, pkg, Map.of("-dsannotations", pkg + "." + component));
    }

    static void print(TrialReport report) {
        report.cases().forEach(c -> System.out.printf("TURN %-40s %-6s %s%n", c.caseId(), c.outcome().label(), c.outcome().detail()));
    }

    @Test
    void theShippedRouterAsACandidatePassesItsTurnCases() throws Exception {
        TrialReport report = runner.run(shipped("harness-router-default"), harnessCases("router-default"), ONCE);
        print(report);
        assertInstanceOf(TrialVerdict.Pass.class, report.verdict(), report::toString);
    }

    @Test
    void aRouterThatSendsEverythingToTheCalculatorFailsWithARouteDiff() throws Exception {
        TrialReport report = runner.run(candidate("misroute", "CalculatorOnlyRouter"), harnessCases("router-default"), ONCE);
        print(report);

        var fail = assertInstanceOf(TrialVerdict.Fail.class, report.verdict(), report::toString);
        assertTrue(fail.failedCases().containsAll(List.of("length-conversion", "shout", "nothing-fits")), fail::toString);
        var diff = assertInstanceOf(CaseVerdict.Fail.class, report.caseReport("length-conversion").outcome());
        assertTrue(diff.diff().startsWith("route: expected skill 'units', got 'calculator' with {\"expression\":\"convert 5 km to miles\"}"),
                diff::diff);
    }

    @Test
    void theShippedRedactionHookAsACandidateKeepsSecretsOutOfTheTurnLog() throws Exception {
        TrialReport report = runner.run(shipped("harness-hook-redact-secrets"), harnessCases("hook-turn-log"), ONCE);
        print(report);
        assertInstanceOf(TrialVerdict.Pass.class, report.verdict(), report::toString);
    }

    @Test
    void aRedactionHookOrderedAfterTheTurnLogFailsBecauseTheLogStoredTheSecret() throws Exception {
        TrialReport report = runner.run(candidate("lateredact", "LateRedactHook"), harnessCases("hook-turn-log"), ONCE);
        print(report);

        assertInstanceOf(TrialVerdict.Fail.class, report.verdict(), report::toString);
        var diff = assertInstanceOf(CaseVerdict.Fail.class, report.caseReport("never-stores-an-aws-key").outcome());
        assertTrue(diff.diff().contains("\"AKIAQX3ZJ7LMN2PK5W4T\" must never be stored, but hook file turn-log/turns.jsonl holds it"),
                diff::diff);
    }

    @Test
    void aTurnReplaysWithTheRecordedClockAndSeedAndIsNotFlaky() throws Exception {
        Path dice = candidate("dice", "DiceSkill");
        SplittableRandom recorded = new SplittableRandom(42);
        String rolls = "[" + recorded.nextInt(1, 7) + "," + recorded.nextInt(1, 7) + "," + recorded.nextInt(1, 7) + "]";
        List<ReplayCase> cases = ReplayCases.parse("""
                {"id":"seeded","skill":"turn","clock":"2026-03-15T10:00:00Z","seed":42,"input":{"message":"roll 3 dice"},\
                "expect":{"route":{"skill":"dice","arguments":{"count":3}},"output":{"at":"2026-03-15T10:00:00Z","rolls":%s}}}
                {"id":"other-seed","skill":"turn","clock":"2026-03-15T10:00:00Z","seed":43,"input":{"message":"roll 3 dice"},\
                "expect":{"output":{"at":"2026-03-15T10:00:00Z","rolls":%s}}}
                """.formatted(rolls, rolls), "dice", "dice cases");

        TrialReport report = runner.run(dice, cases, TrialOptions.defaults());
        print(report);

        assertTrue(report.caseReport("seeded").passed(), report::toString);
        assertEquals(3, report.caseReport("seeded").runs().size());
        var other = report.caseReport("other-seed");
        assertTrue(!other.flaky() && other.outcome() instanceof CaseVerdict.Fail f && f.diff().startsWith("output: "),
                () -> "another seed rolls other dice, every time: " + other);
    }
}
