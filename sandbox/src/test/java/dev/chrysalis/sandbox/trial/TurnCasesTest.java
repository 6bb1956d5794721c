package dev.chrysalis.sandbox.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.support.SandboxFixture;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import dev.chrysalis.spi.replay.ReplayFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turn cases: their format, their validation before any worker starts, and how a replayed turn is judged. */
class TurnCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static CaseVerdict judge(String caseLine, String workerResult) throws Exception {
        ReplayCase c = ReplayCases.parse(caseLine, "router-default", "test").getFirst();
        return CaseJudge.judge(c, json(workerResult), Duration.ofMillis(3));
    }

    @Test
    void aCaseForARecordedMessageRoundTripsThroughTheReplayFormat() throws Exception {
        ReplayCase c = TurnCases.of("km", "convert 5 km to miles", Instant.parse("2026-03-01T09:00:00Z"), 7,
                json("{\"route\":{\"skill\":\"units\"}}"));

        ReplayCase back = ReplayCases.parse(ReplayCases.toJsonLine(c), "other", "line").getFirst();

        assertTrue(TurnCases.isTurn(back));
        assertEquals("convert 5 km to miles", TurnCases.message(back));
        assertEquals(c, back);
    }

    @Test
    void aTurnCaseWithoutAMessageOrWithNothingToCheckIsRefusedByName() throws Exception {
        var noMessage = assertThrows(ReplayFormatException.class, () -> TurnCases.of("blank", " ", Instant.EPOCH, 0,
                json("{\"answer\":\"x\"}")));
        assertTrue(noMessage.getMessage().contains("turn case 'blank': input.message"), noMessage::getMessage);

        var nothing = assertThrows(ReplayFormatException.class, () -> TurnCases.of("vague", "hi", Instant.EPOCH, 0,
                json("{\"skill\":\"units\"}")));
        assertTrue(nothing.getMessage().contains("turn case 'vague': expect must give at least one of route, output, answer, stored"),
                nothing::getMessage);
    }

    @Test
    void aTrialWithABadTurnCaseFailsBeforeAnyWorkerStarts() throws Exception {
        Path jar = Files.writeString(temp.resolve("candidate.jar"), "not read");
        List<ReplayCase> cases = ReplayCases.parse("{\"id\":\"vague\",\"skill\":\"turn\",\"input\":{\"message\":\"hi\"},\"expect\":{}}",
                "x", "cases");
        try (WorkerPool pool = SandboxFixture.pool(temp.resolve("workers"), 0)) {
            assertThrows(ReplayFormatException.class, () -> new TrialRunner(pool).run(jar, cases, TrialOptions.defaults()));
            assertEquals(0, pool.workersStarted());
        }
    }

    @Test
    void everyDifferenceOfARoutedTurnIsOneLineOfTheDiff() throws Exception {
        var verdict = judge("""
                {"id":"km","skill":"turn","input":{"message":"convert 5 km to miles"},\
                "expect":{"route":{"skill":"units","arguments":{"value":5}},"answer":"5 km is 3.1 mi","stored":{"excludes":["AKIA"]}}}""",
                """
                {"outcome":"turn","route":{"skill":"units","arguments":{"value":50}},"answer":"50 km is 31 mi",\
                "calls":[{"skill":"units","input":{"value":50},"output":"{}"}],\
                "stored":{"turn":"{\\"user\\":\\"AKIA\\"}","files":{"turn-log/turns.jsonl":"clean"}}}""");

        var fail = assertInstanceOf(CaseVerdict.Fail.class, verdict);
        assertEquals("route arguments: $.value: expected 5, got 50; answer: expected \"5 km is 3.1 mi\", got \"50 km is 31 mi\"; "
                + "stored: \"AKIA\" must never be stored, but the stored turn holds it", fail.diff());
    }

    @Test
    void anUnroutedTurnPassesAnUnroutedExpectationAndFailsAnOutputOne() throws Exception {
        String unrouted = "{\"outcome\":\"turn\",\"route\":{\"unrouted\":\"no skill fits\"},\"answer\":\"I could not\",\"calls\":[]}";

        assertInstanceOf(CaseVerdict.Pass.class, judge(
                "{\"id\":\"u\",\"skill\":\"turn\",\"input\":{\"message\":\"sing\"},\"expect\":{\"route\":{\"unrouted\":true}}}", unrouted));
        var fail = assertInstanceOf(CaseVerdict.Fail.class, judge(
                "{\"id\":\"o\",\"skill\":\"turn\",\"input\":{\"message\":\"sing\"},\"expect\":{\"output\":{\"value\":1}}}", unrouted));
        assertEquals("output: expected {\"value\":1}, but no skill was called", fail.diff());
        var error = assertInstanceOf(CaseVerdict.Fail.class, judge(
                "{\"id\":\"e\",\"skill\":\"turn\",\"input\":{\"message\":\"sing\"},\"expectError\":\"bad\"}", unrouted));
        assertEquals("expected the tool call to fail with 'bad', but no skill was called (unrouted (no skill fits))", error.diff());
    }
}
