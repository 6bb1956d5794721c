package dev.chrysalis.evolution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.CompileResult;
import dev.chrysalis.evolution.build.PackagedBundle;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.BatchCurator;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.evidence.EvidenceReader;
import dev.chrysalis.evolution.support.Build;
import dev.chrysalis.evolution.support.SeededPlugins;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.CaseReport;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show loop: a bug seeded into a copy of the calculator fails replay cases in the sandbox; those
 * failures become evidence; the loop locates, mutates, compiles, packages and trials candidates until one
 * fixes every evidence case without breaking a regression case, and that candidate is a branch in the
 * workspace repository.
 */
class EvolutionEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EVALUATOR = "src/main/java/dev/chrysalis/skill/calculator/Evaluator.java";

    @TempDir
    static Path temp;
    static WorkerPool pool;

    @BeforeAll
    static void startPool() throws Exception {
        Files.createDirectories(temp.resolve("workers"));
        WorkerSettings settings = new WorkerSettings(128, 16, 256 * 1024, 512 * 1024, 1, Duration.ofSeconds(30), true,
                temp.resolve("workers"));
        pool = new WorkerPool(SandboxLayout.fromBuildDirectory(Build.sandboxBuild()), settings);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @Test
    void seededComparisonBugInTheCalculatorIsRepairedAndHandedToGovernance() throws Exception {
        Path project = SeededPlugins.seed(temp.resolve("project"), "calculator", EVALUATOR,
                "if (n < 0 && digits <= MAX_EXACT_DIGITS)", "if (n > 0 && digits <= MAX_EXACT_DIGITS)");
        Path data = temp.resolve("data");
        List<Path> classpath = Build.compileClasspath();
        PluginCompiler compiler = new PluginCompiler(classpath);
        BundlePackager packager = new BundlePackager(classpath);
        TrialRunner trials = new TrialRunner(pool);
        TrialOptions options = TrialOptions.defaults();

        try (Workspace ws = Workspace.openOrCreate(data, project, Clock.systemUTC())) {
            PluginSource calc = ws.plugin("calculator");
            Map<String, String> files = ws.pluginFiles(Workspace.MAIN, "calculator");
            List<ReplayCase> replay = ReplayCases.parse(files.get("replay.jsonl"), "calculator", "replay.jsonl");

            // the live (buggy) bundle fails some of its own replay cases in the sandbox: that is the evidence
            CompileResult.Compiled live = assertInstanceOf(CompileResult.Compiled.class, compiler.compile(files));
            PackagedBundle liveJar = packager.pack(calc, live.classes(), Map.of(), "1.0.0", temp.resolve("live.jar"));
            TrialReport liveTrial = trials.run(liveJar.jar(), replay, options.withRunsPerCase(1));
            List<String> failing = liveTrial.cases().stream().filter(c -> !c.passed()).map(CaseReport::caseId).toList();
            assertEquals(List.of("negative-exponent"), failing, "the seeded bug shows in exactly one replay case");

            StringBuilder export = new StringBuilder();
            long id = 100;
            for (String caseId : failing) {
                ReplayCase c = replay.stream().filter(r -> r.id().equals(caseId)).findFirst().orElseThrow();
                ObjectNode call = (ObjectNode) JSON.readTree(ReplayCases.toJsonLine(c));
                ObjectNode correct = JSON.createObjectNode();
                correct.set("expect", call.remove("expect"));
                call.put("expectError", "recorded: " + liveTrial.caseReport(caseId).outcome().detail());
                call.put("id", "turn-" + id + "-call-0");
                call.set("correct", correct);
                ObjectNode line = JSON.createObjectNode().put("evidence", id).put("session", "s-1").put("turn", 1)
                        .put("message", "what is " + c.input().path("expression").asText());
                line.putArray("failures").addObject().put("id", id).put("kind", "CHECK_FAILED").put("plugin", "calculator")
                        .put("message", liveTrial.caseReport(caseId).outcome().detail());
                line.putArray("calls").add(call);
                export.append(line).append('\n');
                export.append(line.put("evidence", id + 1)).append('\n'); // the same failure seen twice merges
                id += 2;
            }
            EvidenceReader reader = new EvidenceReader(JSON, ws.plugins(), Map.of("calculator", ws.javaPackages("calculator")));
            List<EvidenceItem> items = reader.read(export.toString(), "export.jsonl");
            BatchCurator curator = new BatchCurator(BatchCurator.DEFAULT_SEAL_AT,
                    plugin -> ReplayCases.parse(ws.read(Workspace.MAIN, plugin + "/replay.jsonl").orElse(""), plugin, plugin + "/replay.jsonl"));
            items.forEach(curator::add);
            Batch batch = curator.seal("calculator").orElseThrow();
            assertEquals(1, batch.items().size());
            assertEquals(List.of(100L, 101L), batch.items().getFirst().evidenceIds());

            List<Transition> seen = new ArrayList<>();
            EvolutionSettings settings = new EvolutionSettings(25, Duration.ofMinutes(3), options, true);
            EvolutionLoop loop = new EvolutionLoop(ws, compiler, packager, trials, settings, data, Clock.systemUTC(), seen::add);
            EvolutionResult result = loop.evolve(batch);

            var handed = assertInstanceOf(EvolutionResult.HandedToGovernance.class, result, () -> String.valueOf(result) + "\n" + seen);
            CandidateOutcome winner = handed.winner();
            assertTrue(winner.regressionBroken().isEmpty());
            assertEquals(List.of("turn-100-call-0"), winner.evidenceFixed());
            assertTrue(winner.mutation().startsWith("comparison-replace in Evaluator.pow "), winner.mutation());
            String fixed = ws.read(winner.branch(), "calculator/" + EVALUATOR).orElseThrow();
            assertTrue(fixed.contains("if (n < 0 && digits <= MAX_EXACT_DIGITS)"), "the repair restores the comparison");
            assertTrue(ws.read(Workspace.MAIN, "calculator/" + EVALUATOR).orElseThrow().contains("if (n > 0 && digits"), "main stays live");
            assertEquals(handed.commitId(), ws.resolve(winner.branch()));
            assertTrue(Files.isRegularFile(handed.bundle()));
            assertEquals(winner.sha256().orElseThrow(), BundlePackager.sha256(handed.bundle()));
            for (CandidateOutcome o : handed.candidates()) {
                if (o != winner) {
                    assertFalse(o.stage() == Stage.HANDED_TO_GOVERNANCE, "only the winner is handed over");
                }
            }
            List<Transition> journal = loop.journal().of(batch.id());
            assertEquals(seen, journal, "every transition is stored");
            assertEquals(Stage.PLAN, journal.getFirst().to());
            assertTrue(journal.getFirst().detail().contains("Evaluator.pow="), journal.getFirst().detail());
            assertEquals(Stage.HANDED_TO_GOVERNANCE, journal.getLast().to());
            for (Transition t : journal) {
                assertTrue(t.from().canMoveTo(t.to()), t.toString());
            }
            assertTrue(Set.of(Stage.values()).containsAll(journal.stream().map(Transition::to).toList()));
            assertTrue(Files.isRegularFile(data.resolve("evolution/maa/calculator.json")));
            System.out.println("evolution: " + seen.size() + " transitions, " + handed.candidates().size() + " candidates, " + handed.elapsed().toMillis()
                    + " ms evidence -> verdict; winner " + winner.mutation());
            journal.forEach(t -> System.out.println("  " + t.at() + " " + t.candidate() + " " + t.from().label() + " -> " + t.to().label() + ": " + t.detail()));
        }
    }
    static final String TINY = """
            package dev.chrysalis.skill.tiny;

            public final class Tiny {
                static byte level() {
                    byte b = 127;
                    return b;
                }
            }
            """;

    /** A plugin whose located method's first mutation cannot compile: the compiler's message comes back. */
    static Path tinyProject(Path root) throws Exception {
        Path dir = root.resolve("skills/tiny");
        Files.createDirectories(dir.resolve("src/main/java/dev/chrysalis/skill/tiny"));
        Files.writeString(dir.resolve("pom.xml"), "<project><parent><artifactId>chrysalis-skills</artifactId></parent>"
                + "<artifactId>skill-tiny</artifactId></project>");
        Files.writeString(dir.resolve("replay.jsonl"), "{\"id\":\"r\",\"input\":{},\"expect\":{\"level\":127}}\n");
        Files.writeString(dir.resolve("src/main/java/dev/chrysalis/skill/tiny/Tiny.java"), TINY);
        return root;
    }

    @Test
    void compileErrorIsReportedWithTheCompilersMessageAndAnInterruptedRunEndsCleanlyAndResumes() throws Exception {
        Path data = temp.resolve("tiny-data");
        List<Path> classpath = Build.compileClasspath();
        PluginCompiler compiler = new PluginCompiler(classpath);
        BundlePackager packager = new BundlePackager(classpath);
        try (Workspace ws = Workspace.openOrCreate(data, tinyProject(temp.resolve("tiny")), Clock.systemUTC())) {
            String export = "{\"evidence\":7,\"failures\":[{\"kind\":\"SKILL_THREW\",\"message\":\"level wrong\","
                    + "\"stackTrace\":\"java.lang.IllegalStateException: x\\n\\tat dev.chrysalis.skill.tiny.Tiny.level(Tiny.java:5)\"}],"
                    + "\"calls\":[{\"id\":\"turn-7-call-0\",\"skill\":\"tiny\",\"input\":{},\"expectError\":\"no output recorded\"}]}";
            EvidenceReader reader = new EvidenceReader(JSON, ws.plugins(), Map.of("tiny", ws.javaPackages("tiny")));
            BatchCurator curator = new BatchCurator(8, p -> List.of());
            reader.read(export, "export.jsonl").forEach(curator::add);
            Batch batch = curator.seal("tiny").orElseThrow();
            EvolutionSettings one = new EvolutionSettings(1, Duration.ofMinutes(1), TrialOptions.defaults().withRunsPerCase(1), true);

            // attempt 1 dies (an Error, as a killed process would) right after the compile error is journaled
            EvolutionLoop dying = new EvolutionLoop(ws, compiler, packager, new TrialRunner(pool), one, data, Clock.systemUTC(), t -> {
                if (t.to() == Stage.MUTATE && t.candidate() == 1) {
                    throw new OutOfMemoryError("simulated crash");
                }
            });
            assertThrows(OutOfMemoryError.class, () -> dying.evolve(batch));
            List<Transition> first = dying.journal().of(batch.id());
            Transition compileError = first.getLast();
            assertEquals(Stage.COMPILE, compileError.from());
            assertEquals(Stage.MUTATE, compileError.to());
            assertTrue(compileError.detail().startsWith("did not compile: src/main/java/dev/chrysalis/skill/tiny/Tiny.java:5: error:"),
                    compileError.detail());
            assertTrue(compileError.detail().contains("int") && compileError.detail().contains("byte"), compileError.detail());

            // attempt 2 ends attempt 1 cleanly and resumes after its candidate
            EvolutionLoop again = new EvolutionLoop(ws, compiler, packager, new TrialRunner(pool), one, data, Clock.systemUTC(), t -> { });
            EvolutionResult result = again.evolve(batch);
            List<Transition> all = again.journal().of(batch.id());
            Transition ended = all.get(first.size());
            assertEquals(1, ended.attempt());
            assertEquals(Stage.ABANDONED, ended.to());
            assertTrue(ended.detail().startsWith("interrupted run ended"), ended.detail());
            var abandoned = assertInstanceOf(EvolutionResult.Abandoned.class, result, () -> result + " " + all);
            assertEquals(1, abandoned.candidates().size());
            CandidateOutcome second = abandoned.candidates().getFirst();
            assertEquals(2, second.n(), "numbering continues after the interrupted attempt's candidate");
            assertEquals("evolve/tiny-1/2", second.branch());
            // off-by-one's compile error lowered its MAA score, so the next candidate uses another operator
            assertTrue(second.mutation().startsWith("constant-change in Tiny.level (Tiny.java:5)"), second.mutation());
            assertFalse(second.stage() == Stage.HANDED_TO_GOVERNANCE, "a bundle without the skill fixes nothing");
            assertTrue(abandoned.reason().contains("candidate budget"), abandoned.reason());
            assertEquals(2, all.getLast().attempt());
            assertTrue(ws.read("evolve/tiny-1/1", "tiny/src/main/java/dev/chrysalis/skill/tiny/Tiny.java").orElseThrow().contains("byte b = 128;"));
        }
    }
}
