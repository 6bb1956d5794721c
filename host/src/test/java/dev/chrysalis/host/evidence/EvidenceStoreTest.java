package dev.chrysalis.host.evidence;

import static dev.chrysalis.host.evidence.EvidenceFixtures.CALC_SHA;
import static dev.chrysalis.host.evidence.EvidenceFixtures.JSON;
import static dev.chrysalis.host.evidence.EvidenceFixtures.calculatorTurn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    @Test
    void turnsAndFlagsSurviveClosingAndReopeningTheDatabase() {
        long flagged;
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            store.recordTurn(calculatorTurn("s-1", 0, T0, "1+1", "2"));
            flagged = store.recordTurn(calculatorTurn("s-1", 1, T0.plusSeconds(10), "2+3*4", "20")).id();
            store.flag(flagged, "precedence is wrong: 2+3*4 is 14");
        }
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            List<TurnRecord> turns = store.recentTurns("s-1", 10);
            assertEquals(List.of("what is 1+1", "what is 2+3*4"), turns.stream().map(TurnRecord::userMessage).toList());
            assertEquals(2, store.turnCount("s-1"));
            List<EvidenceSummary> evidence = store.evidence(10);
            assertEquals(1, evidence.size());
            assertEquals(flagged, evidence.getFirst().turnId());
            assertEquals(List.of(FailureKind.USER_FLAG), evidence.getFirst().kinds());
            assertEquals(Optional.of("calculator"), evidence.getFirst().plugin());
            assertEquals(EvidenceSchema.CURRENT, store.schemaVersion());
        }
    }

    @Test
    void aFlaggedTurnIsFoundWithItsBundleDigestsAndToolInputAndOutput() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            long id = store.recordTurn(calculatorTurn("s-1", 0, T0, "2+3*4", "20")).id();
            Failure flag = store.flag(id, "  should be 14 ");
            assertEquals("should be 14", flag.message());
            assertEquals(CLOCK.instant(), flag.recorded());

            TurnRecord turn = store.turn(id).orElseThrow();
            assertTrue(turn.isEvidence());
            assertEquals("default", turn.brain());
            assertEquals(Map.of("route.reason", "pattern"), turn.attributes());
            assertEquals(T0, turn.started());
            assertEquals(2, turn.bundles().size());
            assertTrue(turn.bundles().contains(new BundleDigest("dev.chrysalis.skill.calculator", "1.0.0", CALC_SHA)));
            RecordedToolCall call = turn.toolCalls().getFirst();
            assertEquals("calculator", call.skill());
            assertEquals(JSON.createObjectNode().put("expression", "2+3*4"), call.input());
            assertEquals(Optional.of(JSON.createObjectNode().put("value", "20")), call.output());
            assertEquals(Optional.of("2+3*4 = 20"), call.summary());
            assertEquals(Duration.ofMillis(3), call.duration());
            assertEquals(List.of(FailureKind.USER_FLAG), turn.failures().stream().map(Failure::kind).toList());
        }
    }

    @Test
    void failedToolCallsAndExceptionsAreStoredWithTheirStackTraces() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            var failing = new ToolCall("csv", JSON.createObjectNode().put("file", "missing.csv"), Optional.empty(),
                    Optional.empty(), Optional.of("file 'missing.csv' does not exist in the workspace"), Duration.ofMillis(1));
            var boom = new IllegalStateException("column index 7 out of range");
            TurnRecord turn = store.recordTurn(new NewTurn("s-2", 0, T0, T0.plusMillis(9), "default",
                    "mean of price in missing.csv", "Sorry: file 'missing.csv' does not exist in the workspace", Map.of(),
                    List.of(failing), List.of(),
                    List.of(FailureReport.of(FailureKind.SKILL_ERROR, "csv", failing.error().orElseThrow()),
                            FailureReport.exception("csv", boom))));
            TurnRecord read = store.turn(turn.id()).orElseThrow();
            assertEquals(Optional.empty(), read.toolCalls().getFirst().output());
            assertTrue(read.toolCalls().getFirst().failed());
            assertEquals(List.of(FailureKind.SKILL_ERROR, FailureKind.EXCEPTION),
                    read.failures().stream().map(Failure::kind).toList());
            String trace = read.failures().get(1).stackTrace().orElseThrow();
            assertTrue(trace.contains("column index 7 out of range") && trace.contains("EvidenceStoreTest"), trace);
            assertEquals(T0.plusMillis(9), read.failures().getFirst().recorded());
        }
    }

    @Test
    void aSecondTurnWithTheSameIndexIsRefusedAndNothingOfItIsStored() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            store.recordTurn(calculatorTurn("s-1", 0, T0, "1+1", "2"));
            var e = assertThrows(EvidenceStoreException.class,
                    () -> store.recordTurn(calculatorTurn("s-1", 0, T0, "9*9", "81")));
            assertTrue(e.getMessage().contains("session 's-1' already has turn 0"), e.getMessage());
            assertEquals(1, store.recentTurns(10).size());
        }
    }

    @Test
    void aBadTurnIsRolledBackWhole() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            var digest = new BundleDigest("dev.chrysalis.skill.calculator", "1.0.0", CALC_SHA);
            var twice = new NewTurn("s-1", 0, T0, T0, "default", "hi", "hello", Map.of(), List.of(),
                    List.of(digest, digest), List.of());
            var e = assertThrows(EvidenceStoreException.class, () -> store.recordTurn(twice));
            assertTrue(e.getMessage().contains("names bundle 'dev.chrysalis.skill.calculator' sha256:"), e.getMessage());
            assertTrue(store.recentTurns(10).isEmpty());
            // the session row was part of the same transaction
            assertTrue(store.sessions(10).isEmpty());
        }
    }

    @Test
    void flaggingAnUnknownTurnNamesTheId() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            var e = assertThrows(UnknownTurnException.class, () -> store.flag(404, "wrong"));
            assertEquals("no turn with id 404 in the evidence store", e.getMessage());
            assertTrue(store.turn(404).isEmpty());
        }
    }

    @Test
    void evidenceIsListedMostRecentlyFailedFirst() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            long a = store.recordTurn(calculatorTurn("s-1", 0, T0, "1+1", "3")).id();
            long b = store.recordTurn(calculatorTurn("s-1", 1, T0, "2+2", "5")).id();
            store.recordTurn(calculatorTurn("s-1", 2, T0, "3+3", "6"));
            store.flag(b, "should be 4");
            store.flag(a, "should be 2");
            assertEquals(List.of(a, b), store.evidence(10).stream().map(EvidenceSummary::turnId).toList());
            assertEquals(List.of(a), store.evidence(1).stream().map(EvidenceSummary::turnId).toList());
            store.addFailure(b, new FailureReport(FailureKind.REPLAY_MISMATCH, Optional.of("calculator"),
                    "$.value: expected \"4\", got \"5\"", Optional.empty()));
            assertEquals(List.of(b, a), store.evidence(10).stream().map(EvidenceSummary::turnId).toList());
            assertEquals(List.of(FailureKind.USER_FLAG, FailureKind.REPLAY_MISMATCH), store.evidence(10).getFirst().kinds());
        }
    }

    @Test
    void exportStreamsEveryEvidenceTurnOnceInOrderAcrossPageBoundaries() throws Exception {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            List<Long> flagged = new java.util.ArrayList<>();
            for (int i = 0; i < 430; i++) {
                long id = store.recordTurn(calculatorTurn("s-1", i, T0, i + "+1", String.valueOf(i + 2))).id();
                if (i % 2 == 0) { // every other turn is evidence, so pages are not runs of consecutive ids
                    store.flag(id, "should be " + (i + 1));
                    flagged.add(id);
                }
            }
            var out = new StringWriter();
            assertEquals(215, store.exportEvidence(out));
            List<Long> exported = out.toString().lines().map(l -> {
                try {
                    return JSON.readTree(l).get("evidence").asLong();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(flagged, exported);
            List<Long> streamed = new java.util.ArrayList<>();
            store.forEachEvidence(t -> streamed.add(t.id()));
            assertEquals(flagged, streamed);
        }
    }

    @Test
    void exportWritesOneReplayableJsonLinePerEvidenceTurn() throws Exception {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            store.recordTurn(calculatorTurn("s-1", 0, T0, "1+1", "2"));
            long id = store.recordTurn(calculatorTurn("s-1", 1, T0, "2+3*4", "20")).id();
            store.flag(id, "should be 14");
            var out = new StringWriter();
            assertEquals(1, store.exportEvidence(out));
            String[] lines = out.toString().split("\n");
            assertEquals(1, lines.length);
            JsonNode item = JSON.readTree(lines[0]);
            assertEquals(id, item.get("evidence").asLong());
            assertEquals("what is 2+3*4", item.get("message").asText());
            assertEquals("USER_FLAG", item.at("/failures/0/kind").asText());
            assertTrue(item.get("bundles").findValues("sha256").stream().map(JsonNode::asText).toList().contains(CALC_SHA),
                    item.get("bundles").toString());
            // each call is itself a replay line
            List<ReplayCase> cases = ReplayCases.parse(item.at("/calls/0").toString(), "ignored", "export");
            ReplayCase c = cases.getFirst();
            assertEquals("calculator", c.skill());
            assertEquals("turn-" + id + "-call-0", c.id());
            assertEquals(JSON.createObjectNode().put("expression", "2+3*4"), c.input());
            assertEquals(Optional.of(JSON.createObjectNode().put("value", "20")), c.expectedOutput());
            assertEquals(T0, c.clock());
            assertEquals(List.of(c), EvidenceExport.replayCases(store.turn(id).orElseThrow()));
        }
    }

    @Test
    void bundleEventsAreKeptNewestFirst() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            store.recordBundleEvent(BundleEvent.of(T0, BundleEventKind.INSTALLED, "calculator", Optional.empty(),
                    Optional.of(CALC_SHA), "shipped"));
            store.recordBundleEvent(BundleEvent.of(T0.plusSeconds(1), BundleEventKind.REFUSED, "calculator",
                    Optional.of(CALC_SHA), Optional.empty(), "not a zip file"));
            List<BundleEvent> events = store.bundleEvents(10);
            assertEquals(List.of(BundleEventKind.REFUSED, BundleEventKind.INSTALLED),
                    events.stream().map(BundleEvent::kind).toList());
            assertEquals("not a zip file", events.getFirst().detail());
            assertEquals(Optional.of(CALC_SHA), events.get(1).toDigest());
            assertFalse(events.getFirst().toDigest().isPresent());
        }
    }

    @Test
    void aDatabaseFromANewerChrysalisIsRefusedWithItsVersion() throws Exception {
        EvidenceStore.open(dataDir, CLOCK).close();
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("evidence/evidence");
        try (var c = DriverManager.getConnection(url, "chrysalis", ""); var s = c.createStatement()) {
            s.execute("INSERT INTO schema_version(version, applied) VALUES (99, CURRENT_TIMESTAMP)");
        }
        var e = assertThrows(EvidenceStoreException.class, () -> EvidenceStore.open(dataDir, CLOCK));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    }

    @Test
    void sessionsAreListedWithTheirTurnCounts() {
        try (var store = EvidenceStore.open(dataDir, CLOCK)) {
            store.openSession("empty", T0);
            store.recordTurn(calculatorTurn("busy", 0, T0.plusSeconds(5), "1+1", "2"));
            store.recordTurn(calculatorTurn("busy", 1, T0.plusSeconds(6), "1+2", "3"));
            List<SessionSummary> sessions = store.sessions(10);
            assertEquals(List.of("busy", "empty"), sessions.stream().map(SessionSummary::id).toList());
            assertEquals(2, sessions.getFirst().turns());
            assertEquals(0, sessions.get(1).turns());
        }
    }
}
