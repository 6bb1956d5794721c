package dev.chrysalis.evolution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.external.ExternalAgentMutator;
import dev.chrysalis.evolution.mutate.external.ExternalAgentSettings;
import dev.chrysalis.evolution.mutate.llm.LlmCoderMutator;
import dev.chrysalis.evolution.mutate.llm.LlmCoderSettings;
import dev.chrysalis.evolution.support.Build;
import dev.chrysalis.evolution.support.ClampPlugin;
import dev.chrysalis.evolution.support.SeededPlugins;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop with the other mutators on the seeded calculator bug ({@code n < 0} turned into {@code n > 0} in
 * Evaluator.pow): an external agent (a shell script reading its prompt file) produces the candidate that
 * passes the trial. The LLM coder on a fixture model flows through the loop on a one-file plugin and its
 * unusable answers are journaled with the reason.
 */
class MutatorLoopTest {
    static final String EVALUATOR = "src/main/java/dev/chrysalis/skill/calculator/Evaluator.java";

    @TempDir
    static Path temp;
    static WorkerPool pool;
    static Path project;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(temp.resolve("workers"));
        pool = new WorkerPool(SandboxLayout.fromBuildDirectory(Build.sandboxBuild()), new WorkerSettings(128, 16, 256 * 1024, 512 * 1024, 1,
                Duration.ofSeconds(30), true, temp.resolve("workers")));
        project = SeededPlugins.seed(temp.resolve("project"), "calculator", EVALUATOR,
                "if (n < 0 && digits <= MAX_EXACT_DIGITS)", "if (n > 0 && digits <= MAX_EXACT_DIGITS)");
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    /** The failing replay case as evidence with its correct answer; the others as regression cases. */
    static Batch batch(Workspace ws, String id) {
        List<ReplayCase> replay = ReplayCases.parse(ws.read(Workspace.MAIN, "calculator/replay.jsonl").orElseThrow(), "calculator", "replay.jsonl");
        ReplayCase failing = replay.stream().filter(c -> c.id().equals("negative-exponent")).findFirst().orElseThrow();
        ReplayCase evidence = new ReplayCase("turn-1-call-0", failing.skill(), failing.input(), failing.expectedOutput(), failing.expectedError(),
                failing.clock(), failing.seed(), failing.files(), failing.tolerance());
        EvidenceItem item = new EvidenceItem(List.of(1L), "calculator", List.of("2^-3 gave a wrong value"), List.of(),
                List.of(new EvidenceCase(evidence, EvidenceCase.Goal.MATCH)));
        return new Batch(id, "calculator", List.of(item), replay, true);
    }

    /**
     * Runs the loop on the seeded calculator without a spectrum (the agent is shown every source file) and with
     * one run per trial case: the k=3 trial is EvolutionEndToEndTest's; this keeps the module's test time down.
     */
    static EvolutionResult evolve(Path data, List<Mutator> mutators, int budget, List<Transition> seen) {
        List<Path> classpath = Build.compileClasspath();
        try (Workspace ws = Workspace.openOrCreate(data, project, Clock.systemUTC())) {
            EvolutionSettings settings = new EvolutionSettings(budget, Duration.ofMinutes(3), TrialOptions.defaults().withRunsPerCase(1), false)
                    .withMutators(mutators);
            EvolutionLoop loop = new EvolutionLoop(ws, new PluginCompiler(classpath), new BundlePackager(classpath), new TrialRunner(pool),
                    settings, data, Clock.systemUTC(), seen::add);
            EvolutionResult result = loop.evolve(batch(ws, "calc-" + mutators.getFirst().name()));
            assertEquals(seen, loop.journal().of(result.batch()), "every transition is stored");
            seen.forEach(t -> assertTrue(t.from().canMoveTo(t.to()), t.toString()));
            return result;
        }
    }

    @Test
    void anExternalAgentScriptFixesTheSeededBugAndItsCandidatePassesTheTrial() throws Exception {
        Path script = temp.resolve("fix-agent.sh");
        Files.writeString(script, """
                #!/bin/sh
                # reads the prompt file, finds the evaluator it names, and restores the comparison
                file=$(sed -n 's/^File \\(src\\/main\\/java\\/.*Evaluator\\.java\\):$/\\1/p' "$1" | head -n 1)
                [ -n "$file" ] || { echo "no evaluator in the prompt"; exit 2; }
                sed -i 's/if (n > 0 \\&\\& digits <= MAX_EXACT_DIGITS)/if (n < 0 \\&\\& digits <= MAX_EXACT_DIGITS)/' "$file"
                echo "patched $file"
                """);
        ExternalAgentMutator agent = new ExternalAgentMutator(ExternalAgentSettings.of(List.of("/bin/sh", script.toString(), "{prompt}"))
                .withTimeout(Duration.ofSeconds(30)).withScratch(temp.resolve("scratch")));
        List<Transition> seen = new ArrayList<>();
        EvolutionResult result = evolve(temp.resolve("data-agent"), List.of(agent), 3, seen);
        var handed = assertInstanceOf(EvolutionResult.HandedToGovernance.class, result, () -> result + "\n" + seen);
        assertEquals(1, handed.candidates().size(), "the agent's first candidate is the fix");
        assertTrue(handed.winner().mutation().startsWith("external-agent in Evaluator.pow (Evaluator.java:256): sh changed Evaluator.java"),
                handed.winner().mutation());
        assertTrue(handed.winner().regressionBroken().isEmpty());
        Transition compile = seen.stream().filter(t -> t.to() == Stage.COMPILE).findFirst().orElseThrow();
        assertTrue(compile.detail().contains("output:\npatched " + EVALUATOR), "the agent's output is journaled: " + compile.detail());
        System.out.println("external agent: " + handed.elapsed().toMillis() + " ms evidence -> verdict, " + handed.winner().mutation());
        seen.forEach(t -> System.out.println("  " + t.at() + " " + t.from().label() + " -> " + t.to().label()));
    }

    @Test
    void theLlmCoderFlowsThroughTheLoopAndItsUnusableAnswersAreJournaledWithTheReason() throws Exception {
        LlmCoderSettings settings = LlmCoderSettings.of(fixtureModel()).withThreads(2).withMaxTokens(192).withAttempts(2);
        Path data = temp.resolve("data-llm");
        List<Transition> seen = new ArrayList<>();
        long t0 = System.nanoTime();
        EvolutionResult result;
        List<Path> classpath = Build.compileClasspath();
        try (LlmCoderMutator coder = LlmCoderMutator.load(settings);
             Workspace ws = Workspace.openOrCreate(data, ClampPlugin.project(temp.resolve("clamp")), Clock.systemUTC())) {
            Batch batch = ClampPlugin.batch();
            EvolutionSettings es = new EvolutionSettings(4, Duration.ofMinutes(3), TrialOptions.defaults().withRunsPerCase(1), false)
                    .withMutators(List.of(coder));
            EvolutionLoop loop = new EvolutionLoop(ws, new PluginCompiler(classpath), new BundlePackager(classpath), new TrialRunner(pool),
                    es, data, Clock.systemUTC(), seen::add);
            result = loop.evolve(batch);
            assertEquals(seen, loop.journal().of(batch.id()), "every transition is stored");
            assertEquals(2, coder.attempts().size(), "two attempts for the root node: the first and the one told why it failed");
            coder.attempts().forEach(a -> System.out.println("llm-coder in the loop: attempt " + a.number() + ", " + a.promptTokens()
                    + " prompt (" + a.reusedTokens() + " reused) + " + a.generatedTokens() + " generated tokens, " + a.nanos() / 1_000_000
                    + " ms; " + a.outcome()));
        }
        seen.forEach(t -> assertTrue(t.from().canMoveTo(t.to()), t.toString()));
        assertTrue(seen.getFirst().detail().contains("Clamp.clamp"), "located from the stack trace: " + seen.getFirst());
        List<Transition> coderSteps = seen.stream().filter(t -> t.from() == Stage.MUTATE && t.detail().contains("llm-coder")).toList();
        assertEquals(2, coderSteps.size(), seen.toString());
        for (Transition t : coderSteps) {
            boolean rejected = t.to() == Stage.MUTATE
                    && t.detail().matches("(?s)llm-coder proposal rejected: attempt \\d: (edit \\d \\(src/main/java/.*\\): .*|the edits .*)");
            boolean tried = t.to() == Stage.COMPILE && t.detail().contains(": llm-coder in ");
            assertTrue(rejected || tried, t.toString());
        }
        var abandoned = assertInstanceOf(EvolutionResult.Abandoned.class, result, () -> result + "\n" + seen);
        assertEquals("no mutation left to try", abandoned.reason());
        System.out.println("llm-coder loop: " + (System.nanoTime() - t0) / 1_000_000 + " ms for " + seen.size() + " transitions");
    }

    static Path fixtureModel() {
        String dir = System.getProperty("chrysalis.fixtures");
        Path p = (dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("../shared/fixtures")).resolve("models/stories260K.gguf");
        assertTrue(Files.isRegularFile(p), "fixture model " + p.toAbsolutePath());
        return p;
    }
}
