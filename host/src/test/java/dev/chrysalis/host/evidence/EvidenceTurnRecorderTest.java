package dev.chrysalis.host.evidence;

import static dev.chrysalis.host.evidence.EvidenceFixtures.CALC_SHA;
import static dev.chrysalis.host.evidence.EvidenceFixtures.ROUTER_SHA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.sandbox.turn.TurnFailure;
import dev.chrysalis.host.runtime.PluginEvent;
import dev.chrysalis.host.runtime.SwapReport;
import dev.chrysalis.spi.hook.TurnData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceTurnRecorderTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String CALC = "dev.chrysalis.skill.calculator";
    private static final String NEW_SHA = "b".repeat(64);

    @TempDir
    Path dataDir;

    @Test
    void aCompletedTurnIsStoredWithEachServingBundleOnceAndItsFailuresMapped() {
        var data = new TurnData("s-1", 1, "what is 1/0", List.of(EvidenceFixtures.calculatorCall("1/0", "?")),
                "The calculator skill could not answer that", java.util.Map.of("route.skill", "calculator"));
        var turn = new CompletedTurn("s-1", 1, T0, T0.plusMillis(4), "default", data, List.of(
                new ServedBy(ServedBy.Role.ROUTER, "default", "dev.chrysalis.harness.router-default", "1.0.0", ROUTER_SHA),
                new ServedBy(ServedBy.Role.SKILL, "calculator", CALC, "1.0.0", CALC_SHA),
                new ServedBy(ServedBy.Role.SKILL, "calculator", CALC, "1.0.0", CALC_SHA),
                new ServedBy(ServedBy.Role.SKILL, "calculator", CALC, "1.0.1", NEW_SHA)),
                List.of(new TurnFailure(dev.chrysalis.sandbox.turn.FailureKind.SKILL_EXCEPTION, "calculator",
                                "ArithmeticException: / by zero", Optional.of("java.lang.ArithmeticException: / by zero\n\tat x")),
                        new TurnFailure(dev.chrysalis.sandbox.turn.FailureKind.HOOK_EXCEPTION, "turn-log", "disk full",
                                Optional.empty()),
                        new TurnFailure(dev.chrysalis.sandbox.turn.FailureKind.SKILL_TIMEOUT, "calculator", "no answer in 5 s",
                                Optional.empty())));
        try (var store = EvidenceStore.open(dataDir)) {
            new EvidenceTurnRecorder(store).record(turn);
            TurnRecord stored = store.turn(store.turnId("s-1", 1).orElseThrow()).orElseThrow();
            assertEquals("what is 1/0", stored.userMessage());
            assertEquals("calculator", stored.attributes().get("route.skill"));
            // the swap in the middle of the turn shows as two digests of one plugin
            assertEquals(3, stored.bundles().size(), stored.bundles().toString());
            assertEquals(List.of(FailureKind.EXCEPTION, FailureKind.EXCEPTION, FailureKind.TIMEOUT),
                    stored.failures().stream().map(Failure::kind).toList());
            assertTrue(stored.failures().get(0).stackTrace().orElseThrow().contains("/ by zero"));
            assertEquals("HOOK_EXCEPTION: disk full", stored.failures().get(1).message());
            assertEquals(Optional.of("turn-log"), stored.failures().get(1).plugin());
            assertEquals("no answer in 5 s", stored.failures().get(2).message());
        }
    }

    @Test
    void swapsRollbacksAndRefusalsBecomeBundleEvents() {
        var report = new SwapReport(SwapReport.Action.SWAP, CALC, "1.0.0", CALC_SHA, "1.0.1", NEW_SHA, T0,
                Duration.ofMillis(2), Duration.ofMillis(9), List.of("skill:calculator"));
        try (var store = EvidenceStore.open(dataDir)) {
            var listener = new EvidenceBundleEvents(store);
            listener.onEvent(new PluginEvent.Swapped(report));
            listener.onEvent(new PluginEvent.Rejected(CALC, "/tmp/bad.jar", "", "jar /tmp/bad.jar is not a valid zip file",
                    T0.plusSeconds(1)));
            listener.onEvent(new PluginEvent.RolledBack(new SwapReport(SwapReport.Action.ROLLBACK, CALC, "1.0.1", NEW_SHA,
                    "1.0.0", CALC_SHA, T0.plusSeconds(2), Duration.ofMillis(1), Duration.ofMillis(3), List.of())));
            List<BundleEvent> events = store.bundleEvents(10);
            assertEquals(List.of(BundleEventKind.ROLLED_BACK, BundleEventKind.REFUSED, BundleEventKind.SWAPPED),
                    events.stream().map(BundleEvent::kind).toList());
            BundleEvent swapped = events.get(2);
            assertEquals(Optional.of(CALC_SHA), swapped.fromDigest());
            assertEquals(Optional.of(NEW_SHA), swapped.toDigest());
            assertTrue(swapped.detail().startsWith("version 1.0.0 -> 1.0.1, new calls served after 2.00 ms"), swapped.detail());
            assertEquals(Optional.empty(), events.get(1).toDigest());
            assertTrue(events.get(1).detail().contains("not a valid zip file (offered: /tmp/bad.jar)"));
            // the refusal changed nothing live: the rollback's jar is the live one
            assertEquals(java.util.Map.of(CALC, CALC_SHA), store.lastLiveDigests());
        }
    }
}
