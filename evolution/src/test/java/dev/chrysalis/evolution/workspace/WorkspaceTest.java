package dev.chrysalis.evolution.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.support.Build;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void firstOpenImportsEveryShippedSkillAndHarnessPluginOntoMain(@TempDir Path data) {
        try (Workspace ws = Workspace.openOrCreate(data, Build.projectRoot(), CLOCK)) {
            List<String> names = ws.plugins().stream().map(PluginSource::name).toList();
            assertTrue(names.containsAll(List.of("calculator", "csv", "units", "router-default", "hook-redact-secrets", "hook-turn-log")), names.toString());
            PluginSource calc = ws.plugin("calculator");
            assertEquals("skill", calc.kind());
            assertEquals("dev.chrysalis.skill.skill-calculator", calc.symbolicName());
            assertEquals("fs.read", ws.plugin("files").capabilities());
            assertEquals("harness", ws.plugin("router-default").kind());
            Map<String, String> files = ws.pluginFiles(Workspace.MAIN, "calculator");
            assertTrue(files.containsKey("SKILL.md") && files.containsKey("replay.jsonl"), files.keySet().toString());
            assertTrue(files.containsKey("src/main/java/dev/chrysalis/skill/calculator/Evaluator.java"));
            assertTrue(ws.javaPackages("hook-redact-secrets").contains("dev.chrysalis.harness.redact"));
        }
    }

    @Test
    void candidateIsABranchWithOneCommitOnTopOfMainAndMainIsUntouched(@TempDir Path data) throws Exception {
        String path = "calculator/src/main/java/dev/chrysalis/skill/calculator/Num.java";
        try (Workspace ws = Workspace.openOrCreate(data, Build.projectRoot(), CLOCK)) {
            String main = ws.resolve(Workspace.MAIN);
            String before = ws.read(Workspace.MAIN, path).orElseThrow();
            CandidateRef ref = ws.commitCandidate("calculator-1", 1, Workspace.MAIN, Map.of(path, before + "// changed\n"),
                    "batch calculator-1: candidate 1 (negate-condition in Num.of)");
            assertEquals("evolve/calculator-1/1", ref.branch());
            assertEquals(before + "// changed\n", ws.read(ref.branch(), path).orElseThrow());
            assertEquals(before, ws.read(Workspace.MAIN, path).orElseThrow());
            assertEquals(main, ws.resolve(ref.branch() + "~1"));
            assertEquals(before, Files.readString(ws.root().resolve(path)), "the checked-out main worktree is not touched");
            assertThrows(WorkspaceException.class, () -> ws.commitCandidate("calculator-1", 1, Workspace.MAIN, Map.of(), "again"));
        }
        try (Workspace reopened = Workspace.openOrCreate(data, Path.of("/nonexistent"), CLOCK)) {
            assertEquals(List.of("evolve/calculator-1/1"), reopened.candidates().stream().map(CandidateRef::branch).toList());
            assertTrue(reopened.candidates().getFirst().message().contains("negate-condition"));
        }
    }

    @Test
    void noShippedSourcesIsAClearError(@TempDir Path data, @TempDir Path empty) {
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspace.openOrCreate(data, empty, CLOCK));
        assertTrue(e.getMessage().contains("no plugin sources found"), e.getMessage());
    }
}
