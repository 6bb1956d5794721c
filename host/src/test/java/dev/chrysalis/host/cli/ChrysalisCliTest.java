package dev.chrysalis.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.evidence.BundleEvent;
import dev.chrysalis.host.evidence.BundleEventKind;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.spi.replay.ReplayCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChrysalisCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String data() {
        return tmp.resolve("data").toString();
    }

    @Test
    void askExitsNonZeroAndNamesTheFailureWhenTheSkillFails() {
        CliRun ask = CliRun.of("--data-dir", data(), "ask", "what is 1/0");
        assertEquals(1, ask.status(), ask.toString());
        assertTrue(ask.err().contains("failed: SKILL_ERROR in calculator") && ask.err().contains("division by zero"),
                ask.toString());
        CliRun fine = CliRun.of("--data-dir", data(), "ask", "what is 1/4");
        assertEquals(0, fine.status(), fine.toString());
        assertTrue(fine.err().isEmpty(), fine.toString());
    }

    @Test
    void askAnswersWithASkillAndTheTurnBecomesEvidenceThatCanBeShownAndExported() throws Exception {
        CliRun ask = CliRun.of("--data-dir", data(), "ask", "what", "is", "2+3*4");
        assertEquals(0, ask.status(), ask.toString());
        assertTrue(ask.out().contains("14"), ask.toString());

        CliRun none = CliRun.of("--data-dir", data(), "evidence", "list");
        assertEquals(0, none.status(), none.toString());
        assertTrue(none.out().contains("no evidence yet"), none.toString());

        long turnId;
        try (var store = EvidenceStore.open(Path.of(data()))) {
            turnId = store.recentTurns(1).getFirst().id();
            store.flag(turnId, "wanted the working shown");
        }
        // options may come after the subcommand too
        CliRun list = CliRun.of("evidence", "list", "--data-dir", data());
        assertEquals(0, list.status(), list.toString());
        assertTrue(list.out().startsWith("#" + turnId + " ") && list.out().contains("USER_FLAG")
                && list.out().contains("calculator") && list.out().contains("wanted the working shown"), list.toString());

        CliRun show = CliRun.of("--data-dir", data(), "evidence", "show", "#" + turnId);
        assertEquals(0, show.status(), show.toString());
        assertTrue(show.out().contains("call 0: calculator {\"expression\":\"2+3*4\"}"), show.toString());
        assertTrue(show.out().matches("(?s).*bundle \\S*calculator\\S* \\S+ sha256:[0-9a-f]{64}.*"), show.toString());

        Path file = tmp.resolve("evidence.jsonl");
        CliRun export = CliRun.of("--data-dir", data(), "evidence", "export", "--out", file.toString());
        assertEquals(0, export.status(), export.toString());
        assertTrue(export.out().contains("exported 1 evidence item to"), export.toString());
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        JsonNode item = JSON.readTree(lines.getFirst());
        assertEquals(turnId, item.get("evidence").asLong());
        var replay = ReplayCases.parse(item.at("/calls/0").toString(), "calculator", "export").getFirst();
        assertEquals("2+3*4", replay.input().get("expression").asText());
        assertTrue(replay.expectedOutput().orElseThrow().toString().contains("14"), replay.toString());

        CliRun history = CliRun.of("--data-dir", data(), "history");
        assertEquals(0, history.status(), history.toString());
        assertTrue(history.out().contains("you:       what is 2+3*4") && history.out().contains("[evidence]"), history.toString());
    }

    @Test
    void askWithAModelAnswersOnTheLlmBrainAndStoresTheTurnWithItsTokens() throws Exception {
        Path model = Path.of(System.getProperty("chrysalis.fixtures", "../../shared/fixtures"), "models", "stories260K.gguf");
        CliRun ask = CliRun.of("--data-dir", data(), "ask", "--model", model.toString(), "what is 2+3*4");
        try (var store = EvidenceStore.open(Path.of(data()))) {
            var turn = store.turn(store.recentTurns(1).getFirst().id()).orElseThrow();
            assertTrue(turn.brain().startsWith("llm:"), turn.toString());
            assertTrue(turn.attributes().containsKey("llm.generated_tokens"), turn.attributes().toString());
            // the toy model's tool call is whatever its sampler (seeded by the new session's id) draws, so the
            // turn may fail; the exit status must say which it did
            if (turn.failures().isEmpty()) {
                assertEquals(0, ask.status(), ask.toString());
            } else {
                assertEquals(1, ask.status(), ask.toString());
                assertTrue(ask.err().contains("turn " + turn.id() + " failed: " + turn.failures().getFirst().kind()), ask.toString());
            }
        }
        CliRun missing = CliRun.of("--data-dir", data(), "ask", "--model", tmp.resolve("nope.gguf").toString(), "hi");
        assertTrue(missing.failedWith(1, "nope.gguf"), missing.toString());
    }

    @Test
    void skillsAreListedAndShownAndAnUnknownSkillIsOneClearLine() {
        CliRun list = CliRun.of("--data-dir", data(), "skills", "list");
        assertEquals(0, list.status(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("calculator ")), list.toString());

        CliRun show = CliRun.of("--data-dir", data(), "skills", "show", "calculator");
        assertEquals(0, show.status(), show.toString());
        assertTrue(show.out().contains("name: calculator"), show.toString());

        CliRun unknown = CliRun.of("--data-dir", data(), "skills", "show", "astrology");
        assertTrue(unknown.failedWith(1, "error: no skill named 'astrology'; installed skills: "), unknown.toString());
        assertTrue(unknown.err().contains("calculator"), unknown.toString());
    }

    @Test
    void swapAndRollbackWorkAndAreRecordedAsBundleEvents() {
        Path bundles = TestBundles.copyTo(tmp.resolve("bundles"));
        BenchBundles.write(bundles, "1.0.0");
        Path next = BenchBundles.write(tmp, "1.0.1");

        CliRun swap = CliRun.of("--data-dir", data(), "--bundles", bundles.toString(), "swap", "bench-echo", next.toString());
        assertEquals(0, swap.status(), swap.toString());
        assertTrue(swap.out().startsWith("swapped " + BenchBundles.SYMBOLIC_NAME + " 1.0.0 ("), swap.toString());
        assertTrue(swap.out().contains("-> 1.0.1 ("), swap.toString());

        CliRun again = CliRun.of("--data-dir", data(), "--bundles", bundles.toString(), "swap", "bench-echo", next.toString());
        assertTrue(again.failedWith(1, "error: swap refused: "), again.toString());
        assertTrue(again.err().contains("already the live version"), again.toString());

        CliRun rollback = CliRun.of("--data-dir", data(), "--bundles", bundles.toString(), "rollback", "bench-echo");
        assertEquals(0, rollback.status(), rollback.toString());
        assertTrue(rollback.out().startsWith("rolled back " + BenchBundles.SYMBOLIC_NAME + " 1.0.1 ("), rollback.toString());

        try (var store = EvidenceStore.open(Path.of(data()))) {
            List<BundleEvent> echo = store.bundleEvents(100).stream()
                    .filter(e -> e.plugin().equals(BenchBundles.SYMBOLIC_NAME)).toList();
            // installed once (the first start); the later starts found the jar they had recorded live
            assertEquals(List.of(BundleEventKind.ROLLED_BACK, BundleEventKind.REFUSED, BundleEventKind.SWAPPED,
                    BundleEventKind.INSTALLED), echo.stream().map(BundleEvent::kind).toList());
            BundleEvent swapped = echo.get(2);
            assertEquals(BenchBundles.SYMBOLIC_NAME, swapped.plugin());
            assertTrue(swapped.detail().contains("1.0.0 -> 1.0.1"), swapped.detail());
            assertEquals(echo.get(3).toDigest(), swapped.fromDigest());
            assertEquals(swapped.fromDigest(), echo.get(0).toDigest());
        }
    }

    @Test
    void badSwapsAndRollbacksGiveOneClearLineAndExitStatusOne() throws Exception {
        CliRun missing = CliRun.of("--data-dir", data(), "swap", "calculator", tmp.resolve("nope.jar").toString());
        assertTrue(missing.failedWith(1, "error: swap refused: jar "), missing.toString());
        assertTrue(missing.err().contains("does not exist"), missing.toString());

        Path garbage = Files.writeString(tmp.resolve("garbage.jar"), "this is not a zip");
        CliRun notZip = CliRun.of("--data-dir", data(), "swap", "calculator", garbage.toString());
        assertTrue(notZip.failedWith(1, "error: swap refused: "), notZip.toString());
        assertTrue(notZip.err().contains("zip"), notZip.toString());

        CliRun unknown = CliRun.of("--data-dir", data(), "swap", "astrology", TestBundles.calculatorJar().toString());
        assertTrue(unknown.failedWith(1, "error: swap refused: "), unknown.toString());
        assertTrue(unknown.err().contains("astrology"), unknown.toString());

        CliRun neverSwapped = CliRun.of("--data-dir", data(), "rollback", "calculator");
        assertTrue(neverSwapped.failedWith(1, "error: rollback refused: "), neverSwapped.toString());
        assertTrue(neverSwapped.err().contains("no previous version"), neverSwapped.toString());
    }

    @Test
    void badEvidenceIdsAndUsageMistakesAreOneClearLine() {
        CliRun notNumber = CliRun.of("--data-dir", data(), "evidence", "show", "abc");
        assertTrue(notNumber.failedWith(1, "error: 'abc' is not an evidence id"), notNumber.toString());

        CliRun absent = CliRun.of("--data-dir", data(), "evidence", "show", "999");
        assertTrue(absent.failedWith(1, "error: no evidence or turn with id 999"), absent.toString());

        CliRun noId = CliRun.of("--data-dir", data(), "evidence", "show");
        assertTrue(noId.failedWith(2, "error: Missing required parameter: 'ID'"), noId.toString());

        CliRun which = CliRun.of("--data-dir", data(), "evidence");
        assertTrue(which.failedWith(2, "evidence list | evidence show ID"), which.toString());

        CliRun bogus = CliRun.of("--data-dir", data(), "transmogrify");
        assertTrue(bogus.failedWith(2, "error: Unmatched argument at index 2: 'transmogrify'"), bogus.toString());

        CliRun bench = CliRun.of("--data-dir", data(), "bench", "nonsense");
        assertTrue(bench.failedWith(2, "unknown benchmark 'nonsense'"), bench.toString());

        CliRun limit = CliRun.of("--data-dir", data(), "history", "--limit", "0");
        assertTrue(limit.failedWith(1, "--limit must be at least 1, got 0"), limit.toString());

        CliRun noDir = CliRun.of("--data-dir", data(), "--bundles", tmp.resolve("none").toString(), "skills", "list");
        assertTrue(noDir.failedWith(1, "bundles folder"), noDir.toString());
    }

    @Test
    void generateAndBenchInferenceArePassedToTheEngineInOrder() throws Exception {
        CliRun generate = CliRun.of("generate", "--model", tmp.resolve("absent.gguf").toString(), "--prompt", "hi");
        assertEquals(1, generate.status(), generate.toString());
        assertTrue(generate.err().contains("absent.gguf"), generate.toString());

        CliRun swapArgs = CliRun.of("bench", "swap", "--bogus");
        assertEquals(2, swapArgs.status(), swapArgs.toString());
        assertTrue(swapArgs.out().contains("unknown argument '--bogus'"), swapArgs.toString());

        CliRun help = CliRun.of("bench", "inference", "--help");
        assertEquals(0, help.status(), help.toString());
        assertTrue(help.out().contains("--"), help.toString());

        CliRun gpuHelp = CliRun.of("bench", "gpu-bandwidth", "--help");
        assertEquals(0, gpuHelp.status(), gpuHelp.toString());
        assertTrue(gpuHelp.out().contains("usage: bench gpu-bandwidth"), gpuHelp.toString());
    }

    @Test
    void gpuPrintsTheDriverProbeAndFailsWithItsReasonWithoutAGpu() {
        var probe = dev.chrysalis.inference.gpu.cuda.CudaDriver.probe();
        CliRun gpu = CliRun.of("gpu");
        if (probe.usableDevice().isPresent()) {
            assertEquals(0, gpu.status(), gpu.toString());
            assertTrue(gpu.out().contains(probe.usableDevice().get().describe()), gpu.toString());
        } else {
            assertEquals(1, gpu.status(), gpu.toString());
            assertTrue(gpu.err().strip().endsWith("gpu: " + probe.unusableReason().orElseThrow()), gpu.toString());
            assertTrue(!gpu.err().contains("\tat "), "no stack trace: " + gpu);
        }
    }

    @Test
    void theDataDirectoryComesFromTheOptionThenChrysalisHomeThenTheUserHome() {
        assertEquals(Path.of("/x/y"), DataDir.resolve(Path.of("/x/y"), Map.of(DataDir.ENV, "/z"), "/home/u"));
        assertEquals(Path.of("/z"), DataDir.resolve(null, Map.of(DataDir.ENV, "/z"), "/home/u"));
        assertEquals(Path.of("/home/u/.chrysalis"), DataDir.resolve(null, Map.of(), "/home/u"));
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        CliRun root = CliRun.of("--help");
        assertEquals(0, root.status(), root.toString());
        // each command the top-level help lists, asked for --help (and -h), prints a usage and exits 0
        List<String> commands = root.out().lines().dropWhile(l -> !l.startsWith("Commands:")).skip(1)
                .filter(l -> l.matches("  \\S.*")).map(l -> l.strip().split("\\s+")[0]).toList();
        assertTrue(commands.size() >= 20 && commands.contains("shell") && commands.contains("generate"), commands.toString());
        for (String command : commands) {
            for (String flag : List.of("--help", "-h")) {
                CliRun help = CliRun.of(command, flag);
                assertEquals(0, help.status(), command + " " + flag + ": " + help);
                assertTrue(help.out().toLowerCase(java.util.Locale.ROOT).contains("usage: "), command + " " + flag + ": " + help);
                assertTrue(!help.err().contains("error"), command + " " + flag + ": " + help);
            }
        }
        CliRun nested = CliRun.of("evidence", "show", "--help");
        assertEquals(0, nested.status(), nested.toString());
        assertTrue(nested.out().contains("Usage: chrysalis evidence show"), nested.toString());
    }
}
