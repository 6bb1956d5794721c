package dev.chrysalis.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.testing.GovernanceFixture;
import dev.chrysalis.governance.testing.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GovernanceTest {
    @TempDir
    Path dir;

    @Test
    void aProposalIsStoredUnderItsDigestDecidedAndSubmitted() throws Exception {
        Path v1 = TestJars.write(dir, "v1.jar", TestJars.bundle("dev.chrysalis.skill.x", "", Map.of("x.X", "package x; class X { int a() { return 1; } }")));
        Path v2 = TestJars.write(dir, "v2.jar", TestJars.bundle("dev.chrysalis.skill.x", "", Map.of("x.X", "package x; class X { int a() { return 2; } }")));
        try (Governance g = Governance.open(dir.resolve("data"), PolicyReader.defaults(), Clock.systemUTC())) {
            var p = g.propose(v2, Optional.of(v1), "evolution", Optional.of(GovernanceFixture.passingTrial()));
            assertInstanceOf(Decision.AutoPromote.class, p.decision());
            assertEquals(CandidateStatus.AUTO_APPROVED, p.submission().status());
            assertTrue(p.submission().artifact().endsWith(p.candidate().digest() + ".jar"));
            Files.delete(v2);
            assertTrue(g.approvals().clearance("dev.chrysalis.skill.x", p.submission().artifact()).cleared(),
                    "the stored copy is what gets promoted, whatever happens to the original");
        }
    }
}
