package dev.chrysalis.governance.promotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.audit.AuditEntry;
import dev.chrysalis.governance.audit.AuditVerification;
import dev.chrysalis.governance.testing.GovernanceFixture;
import dev.chrysalis.governance.testing.MutableClock;
import dev.chrysalis.governance.testing.SimulatedHost;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionControllerTest {
    static final String PLUGIN = GovernanceFixture.PLUGIN;
    static final PromotionPlan PLAN = new PromotionPlan(10, 0.2, 25, 10, 20, Duration.ZERO, 5, 0.1, 0.2, 2.5, 0.5);

    @TempDir
    Path dir;
    GovernanceFixture f;
    MutableClock clock;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        f = GovernanceFixture.create(dir, clock);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    SimulatedHost host(Function<String, String> candidateBehaviour) {
        var host = new SimulatedHost(f.hostState(), Map.of(f.v1, s -> s.toUpperCase(), f.v2, candidateBehaviour));
        host.install(PLUGIN, f.v1);
        return host;
    }

    PromotionController controller(SimulatedHost host, PromotionPlan plan, List<String> steps) {
        return new PromotionController(plan, host, host, f.approvals, f.audit, f.journalDir(), clock, steps::add);
    }

    /** Drives calls until the promotion ends; {@code input} may depend on the state. */
    static List<String> drive(SimulatedHost host, PromotionController c, Function<PromotionState, String> input, int max) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            PromotionState state = c.status(PLUGIN).orElseThrow().state();
            if (state.terminal()) {
                break;
            }
            try {
                answers.add(host.call(PLUGIN, "session-" + (i % 4), input.apply(state) + i));
            } catch (RuntimeException e) {
                answers.add("ERROR " + e.getMessage());
            }
        }
        return answers;
    }

    private List<String> promotionKinds() {
        return f.audit.about(PLUGIN + "@" + f.v2).stream().map(AuditEntry::kind).filter(k -> k.startsWith("promotion.")).toList();
    }

    @Test
    void healthyCandidateGoesThroughShadowCanaryFullAndProbationToPromoted() {
        var host = host(s -> s.toUpperCase());
        List<String> steps = new ArrayList<>();
        var c = controller(host, PLAN, steps);
        c.start(PLUGIN, f.v2Jar, "tester");
        assertEquals(PromotionState.SHADOW, c.status(PLUGIN).orElseThrow().state());
        assertTrue(host.stagedOf(PLUGIN).contains(f.v2));
        drive(host, c, s -> "hello", 500);

        PromotionStatus s = c.status(PLUGIN).orElseThrow();
        assertEquals(PromotionState.PROMOTED, s.state(), s.lastReason());
        assertEquals(f.v2, host.liveDigest(PLUGIN).orElseThrow());
        assertFalse(host.routed(PLUGIN), "routing removed after promotion");
        assertEquals(List.of("promotion.cleared", "promotion.shadow", "promotion.canary", "promotion.full", "promotion.probation",
                "promotion.promoted"), promotionKinds());
        assertEquals(CandidateStatus.PROMOTED, f.approvals.submission(PLUGIN, f.v2).orElseThrow().status());
        assertInstanceOf(AuditVerification.Intact.class, f.audit.verify());
        assertEquals(10, steps.stream().filter(x -> x.equals("observe:shadow")).count());
        assertEquals(10, steps.stream().filter(x -> x.equals("observe:canary")).count());
        List<JournalRecord> journal = new PromotionJournal(f.journalDir(), PLUGIN).read();
        assertEquals(PromotionState.PROMOTED, journal.getLast().state());
        assertEquals(JournalRecord.Phase.DONE, journal.getLast().phase());
    }

    @Test
    void canaryShareIsADeterministicFunctionOfTheCallId() {
        var host = host(s -> s.toUpperCase());
        var plan = new PromotionPlan(0, 0.2, 25, 40, 1, Duration.ZERO, 5, 0.1, 0.2, 2.5, 0.5);
        var c = new PromotionController(plan, host, host, f.approvals, f.audit, f.journalDir(), clock, x -> { });
        c.start(PLUGIN, f.v2Jar, "tester");
        int calls = 0;
        while (c.status(PLUGIN).orElseThrow().state() == PromotionState.CANARY) {
            host.call(PLUGIN, "s", "x");
            calls++;
        }
        // 40 candidate calls at 25%: about 160 calls in all
        assertTrue(calls > 100 && calls < 240, "canary took " + calls + " calls");
        int hits = 0;
        for (int i = 1; i <= 10_000; i++) {
            hits += PromotionController.canaryBucket("p#" + i) < 25 ? 1 : 0;
            assertEquals(PromotionController.canaryBucket("p#" + i), PromotionController.canaryBucket("p#" + i));
        }
        assertTrue(hits > 2_300 && hits < 2_700, "25% of 10,000 call ids, got " + hits);
    }

    @Test
    void shadowAnswersAreComparedButNeverReturnedAndAMismatchingCandidateIsRolledBack() {
        var host = host(s -> "CANDIDATE SAYS " + s);
        var c = controller(host, PLAN, new ArrayList<>());
        c.start(PLUGIN, f.v2Jar, "tester");
        List<String> answers = drive(host, c, s -> "hi", 100);
        assertTrue(answers.stream().allMatch(a -> a.startsWith("HI")), answers.toString());
        PromotionStatus s = c.status(PLUGIN).orElseThrow();
        assertEquals(PromotionState.ROLLED_BACK, s.state());
        assertTrue(s.lastReason().startsWith("gate failed in shadow: answers differ from live in 1.000 of calls"), s.lastReason());
        assertEquals(f.v1, host.liveDigest(PLUGIN).orElseThrow());
        assertTrue(host.stagedOf(PLUGIN).isEmpty());
        assertEquals(5, answers.size(), "decided after minCallsForGate shadow calls");
    }

    @Test
    void candidateThatRaisesErrorsDuringProbationIsRolledBackAutomatically() {
        var host = host(s -> {
            if (s.startsWith("late")) {
                throw new IllegalStateException("candidate broke on " + s);
            }
            return s.toUpperCase();
        });
        var c = controller(host, PLAN, new ArrayList<>());
        c.start(PLUGIN, f.v2Jar, "tester");
        drive(host, c, state -> state == PromotionState.PROBATION ? "late" : "early", 500);

        PromotionStatus s = c.status(PLUGIN).orElseThrow();
        assertEquals(PromotionState.ROLLED_BACK, s.state());
        assertTrue(s.lastReason().startsWith("gate failed in probation: error rate 1.000 > 0.1")
                || s.lastReason().startsWith("gate failed in probation: session"), s.lastReason());
        assertEquals(f.v1, host.liveDigest(PLUGIN).orElseThrow(), "last good digest is live again");
        assertEquals(List.of("promotion.cleared", "promotion.shadow", "promotion.canary", "promotion.full", "promotion.probation",
                "promotion.rolling-back", "promotion.rolled-back"), promotionKinds());
        assertEquals(List.of("stage " + f.v2, "swap " + f.v1 + " -> " + f.v2, "swap " + f.v2 + " -> " + f.v1, "unstage " + f.v2),
                host.events);
        assertEquals(CandidateStatus.ROLLED_BACK, f.approvals.submission(PLUGIN, f.v2).orElseThrow().status());
        assertEquals("LATE1", host.call(PLUGIN, "s", "late1"), "v1 answers again");
        assertInstanceOf(AuditVerification.Intact.class, f.audit.verify());
    }

    @Test
    void oneRiskySessionFailsTheSessionRiskGate() {
        var host = host(s -> s.toUpperCase());
        var c = controller(host, new PromotionPlan(0, 0.2, 100, 50, 10, Duration.ZERO, 50, 0.5, 0.5, 2.5, 0.9), new ArrayList<>());
        c.start(PLUGIN, f.v2Jar, "tester");
        for (int i = 0; i < 10; i++) {
            host.call(PLUGIN, "calm-" + i, "x", 1.0);
        }
        assertEquals(PromotionState.CANARY, c.status(PLUGIN).orElseThrow().state(), "one denial per session is tolerated");
        // the host's guard denies something on every call of one session: 1 + 0.9 + 0.81 ... passes 2.5 on the third
        for (int i = 0; i < 3; i++) {
            host.call(PLUGIN, "risky", "x", 1.0);
        }
        PromotionStatus s = c.status(PLUGIN).orElseThrow();
        assertEquals(PromotionState.ROLLED_BACK, s.state());
        assertEquals("gate failed in canary: session risky risk 2.710 > 2.5", s.lastReason());
        assertEquals(f.v1, host.liveDigest(PLUGIN).orElseThrow());
    }

    @Test
    void aCandidateThatIsNotClearedCannotStart() throws Exception {
        var host = host(s -> s);
        var c = controller(host, PLAN, new ArrayList<>());
        java.nio.file.Files.writeString(dir.resolve("other.jar"), "not the approved bytes");
        var e = assertThrows(PromotionException.class, () -> c.start(PLUGIN, dir.resolve("other.jar"), "tester"));
        assertTrue(e.getMessage().startsWith("cannot promote " + PLUGIN + ": "), e.getMessage());
        assertEquals("promotion.refused", f.audit.latest(1).getFirst().kind());
        assertEquals(f.v1, host.liveDigest(PLUGIN).orElseThrow());
    }

    @Test
    void aSwapThatFailsRollsBackAndLeavesTheLastGoodLive() {
        var host = host(s -> s.toUpperCase());
        host.failSwapsTo(f.v2);
        var c = controller(host, PLAN, new ArrayList<>());
        c.start(PLUGIN, f.v2Jar, "tester");
        drive(host, c, s -> "x", 500);
        PromotionStatus s = c.status(PLUGIN).orElseThrow();
        assertEquals(PromotionState.ROLLED_BACK, s.state());
        assertTrue(s.lastReason().contains("entering full failed: bundle " + PLUGIN + "@" + f.v2 + " failed to start"), s.lastReason());
        assertEquals(f.v1, host.liveDigest(PLUGIN).orElseThrow());
        assertTrue(promotionKinds().contains("promotion.step-failed"));
    }

    @Test
    void probationLastsAtLeastItsTimeWindow() {
        var host = host(s -> s.toUpperCase());
        var plan = new PromotionPlan(0, 0.2, 100, 1, 3, Duration.ofMinutes(30), 5, 0.1, 0.2, 2.5, 0.5);
        var c = controller(host, plan, new ArrayList<>());
        c.start(PLUGIN, f.v2Jar, "tester");
        for (int i = 0; i < 10; i++) {
            host.call(PLUGIN, "s", "x");
        }
        assertEquals(PromotionState.PROBATION, c.status(PLUGIN).orElseThrow().state());
        clock.advance(Duration.ofMinutes(31));
        c.tick();
        assertEquals(PromotionState.PROMOTED, c.status(PLUGIN).orElseThrow().state());
    }

    @Test
    void recoveryAfterAnAbandonedControllerLandsOnLastGood() {
        var host = host(s -> s.toUpperCase());
        var c = controller(host, PLAN, new ArrayList<>());
        c.start(PLUGIN, f.v2Jar, "tester");
        drive(host, c, s -> "x", 25); // into the canary, then the process "dies"
        assertEquals(PromotionState.CANARY, c.status(PLUGIN).orElseThrow().state());

        var restarted = new SimulatedHost(f.hostState(), Map.of(f.v1, s -> s, f.v2, s -> s));
        var c2 = new PromotionController(PLAN, restarted, restarted, f.approvals, f.audit, f.journalDir(), clock, x -> { });
        List<RecoveryOutcome> outcomes = c2.recover();
        assertEquals(1, outcomes.size());
        assertEquals(PromotionState.ROLLED_BACK, outcomes.getFirst().finalState());
        assertEquals("recovered after a crash in canary (done); landed on last-good " + f.v1, outcomes.getFirst().explanation());
        assertEquals(f.v1, restarted.liveDigest(PLUGIN).orElseThrow());
        assertEquals("promotion.recovered", f.audit.latest(1).getFirst().kind());
        assertFalse(c2.recover().getFirst().repaired(), "a second recovery finds nothing to do");
        assertInstanceOf(AuditVerification.Intact.class, f.audit.verify());
    }

    @Test
    void onlyTheListedTransitionsAreLegal() {
        assertTrue(PromotionState.SHADOW.canMoveTo(PromotionState.CANARY));
        assertFalse(PromotionState.SHADOW.canMoveTo(PromotionState.FULL), "no skipping the canary");
        assertFalse(PromotionState.CLEARED.canMoveTo(PromotionState.PROMOTED));
        assertFalse(PromotionState.ROLLING_BACK.canMoveTo(PromotionState.PROMOTED));
        for (PromotionState s : PromotionState.values()) {
            assertEquals(s.terminal(), s == PromotionState.PROMOTED || s == PromotionState.ROLLED_BACK);
            if (!s.terminal() && s != PromotionState.ROLLING_BACK) {
                assertTrue(s.canMoveTo(PromotionState.ROLLING_BACK), s + " can always roll back");
            }
        }
    }
}
