package dev.chrysalis.evolution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.Operator;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.support.Build;
import dev.chrysalis.evolution.support.SeededPlugins;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trial of each candidate in one worker: a screen on the evidence, and the rest of the full trial only for a
 * candidate the screen lets through. Three scripted candidates for the seeded calculator bug: one that fixes
 * nothing (screened out, never given the full trial), one that fixes the evidence but breaks a regression case
 * (screened in, and the full trial still rejects it naming the case), and the true fix (handed to governance).
 */
class ScreenedTrialTest {
    static final String EVALUATOR = "src/main/java/dev/chrysalis/skill/calculator/Evaluator.java";
    static final String BUGGY = "if (n > 0 && digits <= MAX_EXACT_DIGITS)";
    static final String FIXED = "if (n < 0 && digits <= MAX_EXACT_DIGITS)";

    @TempDir
    static Path temp;
    static WorkerPool pool;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(temp.resolve("workers"));
        pool = new WorkerPool(SandboxLayout.fromBuildDirectory(Build.sandboxBuild()), new WorkerSettings(128, 16, 256 * 1024, 512 * 1024, 1,
                Duration.ofSeconds(30), true, temp.resolve("workers")));
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    /** Offers its rewrites in order, one list shared by every node of the tree. */
    record Scripted(Deque<Mutation> left) implements Mutator {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Proposals propose(MutationRequest request) {
            return new Proposals() {
                @Override
                public boolean hasNext() {
                    return !left.isEmpty();
                }

                @Override
                public Proposal next() {
                    return new Proposal.Rewrite(left.removeFirst());
                }
            };
        }
    }

    @Test
    void aCandidateIsScreenedOnTheEvidenceAndOnlyAScreenedInOneGetsTheFullTrialWhichStillRejectsARegression() throws Exception {
        Path project = SeededPlugins.seed(temp.resolve("project"), "calculator", EVALUATOR, FIXED, BUGGY);
        String buggy = Files.readString(project.resolve("skills/calculator").resolve(EVALUATOR));
        String fixed = buggy.replace(BUGGY, FIXED);
        String fixedButBreaksDivision = fixed.replace("\"division by zero at position \"", "\"cannot divide by zero at \"");
        Deque<Mutation> script = new ArrayDeque<>(List.of(
                new Mutation(Operator.EXTERNAL_AGENT, EVALUATOR, "Evaluator.pow", 256, "comment only",
                        buggy.replace(BUGGY, "// a comment changes nothing\n            " + BUGGY)),
                new Mutation(Operator.EXTERNAL_AGENT, EVALUATOR, "Evaluator.pow", 256, "fix and reword division by zero", fixedButBreaksDivision),
                new Mutation(Operator.EXTERNAL_AGENT, EVALUATOR, "Evaluator.pow", 256, "the fix", fixed)));
        Path data = temp.resolve("data");
        List<Path> classpath = Build.compileClasspath();
        List<Transition> seen = new ArrayList<>();
        EvolutionResult result;
        EvolutionLoop loop;
        try (Workspace ws = Workspace.openOrCreate(data, project, Clock.systemUTC())) {
            EvolutionSettings settings = new EvolutionSettings(5, Duration.ofMinutes(3), TrialOptions.defaults().withRunsPerCase(2), false)
                    .withMutators(List.of(new Scripted(script)));
            loop = new EvolutionLoop(ws, new PluginCompiler(classpath), new BundlePackager(classpath), new TrialRunner(pool),
                    settings, data, Clock.systemUTC(), seen::add);
            result = loop.evolve(MutatorLoopTest.batch(ws, "calc-screen"));
        }

        var handed = assertInstanceOf(EvolutionResult.HandedToGovernance.class, result, () -> result + "\n" + seen);
        assertEquals(3, handed.candidates().size(), seen.toString());
        CandidateOutcome nothing = handed.candidates().get(0);
        assertEquals(Stage.VERDICT, nothing.stage());
        assertEquals(List.of(), nothing.evidenceFixed());
        assertEquals(List.of(), nothing.regressionBroken(), "screened out: the regression cases never ran");
        CandidateOutcome breaker = handed.candidates().get(1);
        assertEquals(Stage.VERDICT, breaker.stage(), "a candidate that breaks a regression case is never handed over");
        assertEquals(List.of("turn-1-call-0"), breaker.evidenceFixed());
        assertEquals(List.of("division-by-zero"), breaker.regressionBroken());
        assertEquals("the fix", handed.winner().mutation().substring(handed.winner().mutation().lastIndexOf(": ") + 2));
        assertTrue(handed.winner().regressionBroken().isEmpty());

        List<String> verdicts = seen.stream().filter(t -> t.to() == Stage.VERDICT).map(Transition::detail).toList();
        assertEquals(List.of("0/1 evidence fixed (screen only)", "1/1 evidence fixed, 28/29 regression kept; broke [division-by-zero]",
                "1/1 evidence fixed, 29/29 regression kept; 64/64 neighbour inputs handled"), verdicts);

        TimingLog.Entry times = loop.timings().read().getLast();
        assertEquals(Stage.HANDED_TO_GOVERNANCE, times.ended());
        Map<String, StageTimes.Step> steps = new java.util.HashMap<>();
        times.steps().steps().forEach(s -> steps.put(s.name(), s));
        assertEquals(3, steps.get("screen: load").count(), "every candidate is loaded once for its screen");
        assertEquals(2, steps.get("full trial: replay").count(), "only the two screened-in candidates get the full trial");
        assertEquals(Duration.ZERO, steps.get("full trial: worker").wall(), "the full trial goes on in the screen's worker");
        assertEquals(Duration.ZERO, steps.get("full trial: load").wall(), "the candidate is not loaded a second time");
        assertEquals(3, steps.get("compile").count());
        assertEquals(1, steps.get("neighbours: candidate").count(), "only the candidate that passed its trial meets the neighbour inputs");
        assertTrue(!steps.containsKey("neighbours: main"), "it failed on none of them, so main was never observed");
        assertTrue(steps.get("worker processes").cpu().isPositive(), steps.toString());
    }
}
