package dev.chrysalis.harness.turnlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.harness.redact.RedactSecretsHook;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnLogHookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-02-03T04:05:06Z");
    @TempDir
    Path workspace;
    private final RecordingLogger log = new RecordingLogger();

    private HookContext context() {
        return new TestHookContext(workspace, Clock.fixed(NOW, ZoneOffset.UTC), log);
    }

    private static TurnData turn(String session, int index, String message) throws Exception {
        ToolCall ok = new ToolCall("calculator", JSON.readTree("{\"expression\":\"2+3*4\"}"),
                Optional.of(JSON.readTree("{\"value\":\"14\"}")), Optional.of("2+3*4 = 14"), Optional.empty(), Duration.ofMillis(12));
        ToolCall failed = new ToolCall("files", JSON.readTree("{\"operation\":\"read\",\"path\":\"../etc\"}"),
                Optional.empty(), Optional.empty(), Optional.of("path escapes the workspace: ../etc"), Duration.ofMillis(3));
        return new TurnData(session, index, message, List.of(ok, failed), "14", Map.of("route.reason", "matched pattern #1"));
    }

    private List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line)); // throws if a line is not valid JSON
        }
        return out;
    }

    @Test
    void writesOneJsonLinePerTurnWithEverything() throws Exception {
        TurnLogHook hook = new TurnLogHook();
        TurnData t = turn("s-1", 4, "what is 2+3*4?");
        assertSame(t, hook.afterTurn(t, context()), "the log does not change the turn");
        hook.afterTurn(turn("s-1", 5, "again \"quoted\"\nand a newline"), context());
        List<JsonNode> lines = lines(workspace.resolve("turns.jsonl"));
        assertEquals(2, lines.size());
        JsonNode first = lines.getFirst();
        assertEquals("s-1", first.get("session").asText());
        assertEquals(4, first.get("turn").asInt());
        assertEquals("2026-02-03T04:05:06Z", first.get("time").asText(), "time comes from the hook context's clock");
        assertEquals("what is 2+3*4?", first.get("user").asText());
        assertEquals("14", first.get("answer").asText());
        assertEquals("matched pattern #1", first.at("/attributes/route.reason").asText());
        JsonNode calls = first.get("toolCalls");
        assertEquals(2, calls.size());
        assertEquals("calculator", calls.get(0).get("skill").asText());
        assertEquals("2+3*4", calls.get(0).at("/input/expression").asText());
        assertEquals("14", calls.get(0).at("/output/value").asText());
        assertEquals("2+3*4 = 14", calls.get(0).get("summary").asText());
        assertEquals(12, calls.get(0).get("durationMs").asLong());
        assertFalse(calls.get(0).has("error"));
        assertEquals("path escapes the workspace: ../etc", calls.get(1).get("error").asText());
        assertFalse(calls.get(1).has("output"));
        assertEquals("again \"quoted\"\nand a newline", lines.get(1).get("user").asText());
    }

    @Test
    void logsAOneLineSummaryPerTurn() throws Exception {
        new TurnLogHook().afterTurn(turn("s-9", 2, "what is 2+3*4?").withAttribute("redactions", "password=1"), context());
        assertEquals(List.of("INFO session s-9 turn 2: calculator ok 12 ms, files failed 3 ms; answer 2 chars; redactions password=1"),
                log.lines);
    }

    @Test
    void runAfterTheRedactorTheLogHoldsOnlyRedactedText() throws Exception {
        String awsKey = "AKIA" + "QX3ZJ7LMN2PK5W4T";
        String ghToken = "ghp_" + "4f9Qw2LmZ8xYk3Rt6Vb1Nc7Hj5Ds0Ae2Gu9P";
        List<Hook> hooks = new ArrayList<>(List.of(new TurnLogHook(), new RedactSecretsHook()));
        hooks.sort(Comparator.comparingInt(Hook::priority).thenComparing(Hook::name)); // the host's order
        assertEquals(List.of("redact-secrets", "turn-log"), hooks.stream().map(Hook::name).toList());

        TurnData t = new TurnData("s-2", 0, "my key is " + awsKey + " and password=hunter2",
                List.of(new ToolCall("text", JSON.readTree("{\"text\":\"token " + ghToken + "\",\"nested\":{\"password\":\"pw1\"}}"),
                        Optional.of(JSON.readTree("{\"upper\":\"TOKEN " + ghToken.toUpperCase() + "\"}")),
                        Optional.of("uppercased"), Optional.empty(), Duration.ofMillis(1))),
                "done with " + ghToken, Map.of());
        for (Hook h : hooks) {
            t = h.afterTurn(t, context());
        }
        String logged = Files.readString(workspace.resolve("turns.jsonl"));
        for (String secret : List.of(awsKey, ghToken, "hunter2", "pw1")) {
            assertFalse(logged.contains(secret), () -> secret + " reached the log: " + logged);
        }
        JsonNode line = lines(workspace.resolve("turns.jsonl")).getFirst();
        assertEquals("my key is [REDACTED:aws-access-key] and password=[REDACTED:password]", line.get("user").asText());
        assertEquals("[REDACTED:password]", line.at("/toolCalls/0/input/nested/password").asText());
        assertEquals("done with [REDACTED:github-token]", line.get("answer").asText());
        assertTrue(line.at("/attributes/redactions").asText().contains("github-token=2"), line.toString());
        assertTrue(log.lines.stream().noneMatch(l -> l.contains(awsKey) || l.contains("hunter2")), log.lines.toString());
    }

    @Test
    void rotatesAtTheSizeLimitKeepingTheNewestFiles() throws Exception {
        TurnLogHook hook = new TurnLogHook(2_000, 3);
        int turns = 60;
        for (int i = 0; i < turns; i++) {
            hook.afterTurn(turn("s-r", i, "message " + i), context());
        }
        Path current = workspace.resolve("turns.jsonl");
        assertTrue(Files.size(current) <= 2_000, "current file stays under the limit: " + Files.size(current));
        for (int n = 1; n <= 3; n++) {
            Path r = TurnLogHook.rotated(workspace, n);
            assertTrue(Files.exists(r), r + " exists");
            assertTrue(Files.size(r) <= 2_000);
        }
        assertFalse(Files.exists(TurnLogHook.rotated(workspace, 4)), "only 3 rotated files are kept");
        // Oldest to newest: turns.3, turns.2, turns.1, turns: indices strictly ascending, ending at the last turn.
        List<Integer> indices = new ArrayList<>();
        for (Path p : List.of(TurnLogHook.rotated(workspace, 3), TurnLogHook.rotated(workspace, 2),
                TurnLogHook.rotated(workspace, 1), current)) {
            lines(p).forEach(l -> indices.add(l.get("turn").asInt()));
        }
        for (int i = 1; i < indices.size(); i++) {
            assertEquals(indices.get(i - 1) + 1, indices.get(i), "no line lost or reordered across files: " + indices);
        }
        assertEquals(turns - 1, indices.getLast());
    }

    @Test
    void aLineLargerThanTheLimitIsStillWritten() throws Exception {
        TurnLogHook hook = new TurnLogHook(500, 2);
        hook.afterTurn(turn("s", 0, "short"), context());
        hook.afterTurn(turn("s", 1, "x".repeat(2_000)), context());
        assertEquals(1, lines(workspace.resolve("turns.jsonl")).size());
        assertEquals(2_000, lines(workspace.resolve("turns.jsonl")).getFirst().get("user").asText().length());
        assertEquals(0, lines(TurnLogHook.rotated(workspace, 1)).getFirst().get("turn").asInt());
    }

    @Test
    void anIoFailureIsLoggedNotThrown() throws Exception {
        Path notADirectory = Files.writeString(workspace.resolve("blocker"), "I am a file");
        HookContext broken = new TestHookContext(notADirectory, Clock.fixed(NOW, ZoneOffset.UTC), log);
        TurnData t = turn("s-e", 7, "hello");
        assertSame(t, new TurnLogHook().afterTurn(t, broken));
        assertEquals(1, log.lines.size());
        assertTrue(log.lines.getFirst().startsWith("ERROR turn log: could not record session s-e turn 7"), log.lines.toString());
    }

    @Test
    void aHalfWrittenLastLineDoesNotSpoilTheNextOne() throws Exception {
        Files.writeString(workspace.resolve("turns.jsonl"), "{\"session\":\"crashed\",\"tu");
        new TurnLogHook().afterTurn(turn("s-after", 1, "hi"), context());
        List<String> raw = Files.readAllLines(workspace.resolve("turns.jsonl"));
        assertEquals(2, raw.size());
        assertEquals("s-after", JSON.readTree(raw.get(1)).get("session").asText());
    }

    @Test
    void concurrentTurnsNeverInterleaveLines() throws Exception {
        TurnLogHook hook = new TurnLogHook(64 * 1024, 50);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                String session = "c-" + s;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        hook.afterTurn(turn(session, i, "msg " + "y".repeat(i * 7)), context());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int total = 0;
        try (var files = Files.list(workspace)) {
            for (Path p : files.toList()) {
                total += lines(p).size();
            }
        }
        assertEquals(400, total);
        assertTrue(log.lines.stream().noneMatch(l -> l.startsWith("ERROR")), log.lines.toString());
    }

    @Test
    void refusesANonsensicalLimitWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TurnLogHook(0, 3));
        assertTrue(e.getMessage().contains("maxBytes > 0"));
    }

    @Test
    void runsLateUnderAStableName() {
        TurnLogHook hook = new TurnLogHook();
        assertEquals("turn-log", hook.name());
        assertEquals(100, hook.priority());
        assertTrue(hook.priority() > new RedactSecretsHook().priority());
    }
}
