package dev.chrysalis.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.Clearance;
import dev.chrysalis.governance.approval.Principal;
import dev.chrysalis.governance.approval.Role;
import dev.chrysalis.governance.audit.AuditEntry;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.promotion.JournalRecord;
import dev.chrysalis.governance.promotion.PromotionController;
import dev.chrysalis.governance.promotion.PromotionJournal;
import dev.chrysalis.governance.promotion.PromotionPlan;
import dev.chrysalis.governance.promotion.PromotionState;
import dev.chrysalis.governance.promotion.PromotionStatus;
import dev.chrysalis.governance.promotion.StepListener;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.shell.HostControl;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.host.testplugins.ToolCallBrain;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotions on live agent traffic: the runtime routes each skill call of a plugin under promotion as its stage
 * says (shadow, canary, full), observes the outcome, and the gates act on what they see, all on a real Felix
 * with the agent calling through the runtime.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LivePromotionTest {
    private static final String PLUGIN = "test.echo";
    private static final String ASK = "mode-echo {\"text\": \"abc\"}";

    @TempDir
    Path temp;

    /** A host serving test.echo 1.0.0 (echoes as is), governance, and a cleared candidate 1.0.1 behaving as {@code mode}. */
    private record Setup(HostControl host, Governance gov, PromotionController promotions, Path candidate, String liveDigest)
            implements AutoCloseable {
        @Override
        public void close() {
            host.close();
            gov.close();
        }
    }

    private Setup setup(String mode, PromotionPlan plan) {
        Path v1 = TestPlugins.echo(temp.resolve("v1"), "1.0.0", "same");
        Path v2 = TestPlugins.echo(temp.resolve("v2"), "1.0.1", mode);
        Path data = temp.resolve("data");
        HostControl host = HostControl.open(HostConfig.of(data, TestPlugins.bundlesDir(temp.resolve("bundles"), v1))
                .withBrain(new ToolCallBrain()));
        Governance gov = Governance.open(data, PolicyReader.defaults(), Clock.systemUTC());
        Principal alice = gov.accounts().createUser("alice", "correct-horse-battery".toCharArray(), Set.of(Role.APPROVER), "test");
        Governance.Proposal proposal = gov.propose(v2, Optional.of(v1), "bob", Optional.empty());
        if (!(gov.approvals().clearance(PLUGIN, proposal.submission().artifact()) instanceof Clearance.Cleared)) {
            gov.approvals().approve(alice, proposal.submission().digest(), "reviewed");
        }
        PromotionController promotions = gov.promotions(plan,
                new RuntimeLiveSwitch(host.plugins(), List.of()), host.plugins().trafficTap(), StepListener.NONE);
        String live = host.plugins().plugin(PLUGIN).orElseThrow().digest();
        return new Setup(host, gov, promotions, proposal.submission().artifact(), live);
    }

    private static PromotionStatus awaitStatus(PromotionController c, Predicate<PromotionStatus> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        PromotionStatus s = c.status(PLUGIN).orElseThrow();
        while (!done.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("promotion did not get there in 30 s: " + s);
            }
            Thread.sleep(10);
            s = c.status(PLUGIN).orElseThrow();
        }
        return s;
    }

    @Test
    void inShadowTheCandidateGetsACopyOfEveryCallItsAnswersAreNeverReturnedAndMismatchesAreCounted() throws Exception {
        // stays in shadow: more shadow calls needed than made, mismatches tolerated
        var plan = new PromotionPlan(1_000, 1.0, 10, 10, 10, Duration.ZERO, 1_000, 0.1, 0.1, 3.0, 0.8);
        try (Setup s = setup("upper", plan)) {
            s.promotions().start(PLUGIN, s.candidate(), "alice");
            assertEquals(PromotionState.SHADOW, s.promotions().status(PLUGIN).orElseThrow().state());
            assertTrue(s.host().plugins().stagedDigest(PLUGIN).isPresent(), "the candidate runs beside the live version");
            for (int i = 0; i < 20; i++) {
                assertEquals("abc", s.host().ask(ASK).text(), "only the live answer reaches the user");
            }
            PromotionStatus status = awaitStatus(s.promotions(), st -> st.readings().calls() == 20);
            assertEquals(1.0, status.readings().mismatchRate(), status.toString());
            assertEquals(0.0, status.readings().errorRate(), status.toString());
            assertEquals(s.liveDigest(), s.host().plugins().plugin(PLUGIN).orElseThrow().digest(), "the live version still serves");
            // no turn became evidence: the candidate's different answers never reached a turn
            assertEquals(List.of(), s.host().evidence().evidence(10));
        }
    }

    @Test
    void inCanaryAFixedShareOfCallsIsServedByTheCandidateDecidedByTheCallId() throws Exception {
        var plan = new PromotionPlan(0, 0.2, 30, 10_000, 10, Duration.ZERO, 1_000, 0.1, 1.0, 1_000, 0.8);
        try (Setup s = setup("upper", plan)) {
            s.promotions().start(PLUGIN, s.candidate(), "alice");
            assertEquals(PromotionState.CANARY, s.promotions().status(PLUGIN).orElseThrow().state());
            int candidate = 0;
            int expected = 0;
            for (int call = 1; call <= 200; call++) {
                String answer = s.host().ask(ASK).text();
                boolean byCandidate = answer.equals("ABC");
                assertTrue(byCandidate || answer.equals("abc"), answer);
                boolean routed = PromotionController.canaryBucket(PLUGIN + "#" + call) < 30;
                assertEquals(routed, byCandidate, "call " + call + " is routed by its id");
                candidate += byCandidate ? 1 : 0;
                expected += routed ? 1 : 0;
            }
            assertEquals(expected, candidate);
            assertTrue(candidate >= 40 && candidate <= 80, "30% of 200 calls, got " + candidate);
            int served = candidate;
            PromotionStatus status = awaitStatus(s.promotions(), st -> st.readings().calls() == served);
            assertEquals(0.0, status.readings().errorRate());
        }
    }

    @Test
    void aCandidateThatFailsOnLiveAgentTrafficInProbationIsRolledBackAndTheOldVersionServesAgain() throws Exception {
        // no shadow or canary calls needed: straight to the full swap, then probation watches the live calls
        var plan = new PromotionPlan(0, 0.2, 10, 0, 1_000, Duration.ofHours(1), 5, 0.1, 1.0, 1_000, 0.8);
        try (Setup s = setup("broken", plan)) {
            s.promotions().start(PLUGIN, s.candidate(), "alice");
            PromotionStatus probation = s.promotions().status(PLUGIN).orElseThrow();
            assertEquals(PromotionState.PROBATION, probation.state());
            String candidate = probation.candidate();
            assertEquals(candidate, s.host().plugins().plugin(PLUGIN).orElseThrow().digest(), "the candidate serves every call");
            for (int i = 0; i < 5; i++) {
                String answer = s.host().ask(ASK).text();
                assertTrue(answer.startsWith("error: ") && answer.contains("fails on purpose"), answer);
            }
            PromotionStatus rolledBack = awaitStatus(s.promotions(), st -> st.state() == PromotionState.ROLLED_BACK);
            assertTrue(rolledBack.lastReason().contains("gate failed in probation: error rate 1.000 > 0.1"), rolledBack.lastReason());
            assertEquals(s.liveDigest(), s.host().plugins().plugin(PLUGIN).orElseThrow().digest(), "back on the last good digest");
            assertEquals("abc", s.host().ask(ASK).text(), "the old version serves again");

            List<JournalRecord> journal = new PromotionJournal(s.gov().database().home().resolve("promotions"), PLUGIN).read();
            assertEquals(PromotionState.ROLLED_BACK, journal.getLast().state());
            assertEquals(JournalRecord.Phase.DONE, journal.getLast().phase());
            List<AuditEntry> rollingBack = s.gov().audit().entries().stream()
                    .filter(e -> e.kind().equals("promotion.rolling-back")).toList();
            assertEquals(1, rollingBack.size());
            assertTrue(rollingBack.getFirst().detail().contains("gate failed in probation"), rollingBack.getFirst().detail());
            assertTrue(s.gov().audit().verify() instanceof dev.chrysalis.governance.audit.AuditVerification.Intact);
            // the five failed calls are evidence against the candidate's digest
            assertEquals(5, s.host().evidence().evidence(10).size());
        }
    }
}
