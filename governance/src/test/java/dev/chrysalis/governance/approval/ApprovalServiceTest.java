package dev.chrysalis.governance.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.audit.AuditVerification;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.policy.BundleJar;
import dev.chrysalis.governance.policy.Candidate;
import dev.chrysalis.governance.policy.CandidateReader;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.PolicyEngine;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.testing.MutableClock;
import dev.chrysalis.governance.testing.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One database for the class: users are created once (PBKDF2 at 210k iterations is deliberately slow). */
class ApprovalServiceTest {
    @TempDir
    static Path dir;
    static GovernanceDatabase db;
    static MutableClock clock;
    static AuditLog audit;
    static Accounts accounts;
    static ApprovalService approvals;
    static Principal alice;
    static Principal bob;
    static Principal carol;
    static final String PLUGIN = "dev.chrysalis.skill.greet";
    static final CandidateReader READER = new CandidateReader(new BytecodeScanner(CapabilityRules.standard()));
    static BundleJar v1;

    @BeforeAll
    static void setUp() {
        db = GovernanceDatabase.open(dir);
        clock = new MutableClock(Instant.parse("2026-05-01T09:00:00Z"));
        audit = new AuditLog(db, clock);
        accounts = new Accounts(db, audit, new PasswordHasher(), new SecureRandom(), clock);
        approvals = new ApprovalService(db, audit, clock, Duration.ofHours(24));
        alice = accounts.createUser("alice", "alice-password-1".toCharArray(), Set.of(Role.PROPOSER), "bootstrap");
        bob = accounts.createUser("bob", "bob-password-123".toCharArray(), Set.of(Role.APPROVER), "bootstrap");
        carol = accounts.createUser("carol", "carol-password-1".toCharArray(), Set.of(Role.ADMIN), "bootstrap");
        v1 = BundleJar.of(TestJars.bundle(PLUGIN, "", Map.of("g.G", "package g; public class G { int v() { return 1; } }")), "v1.jar");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static int version = 1;

    /** A fresh pending candidate (a first install always needs a person) written to disk. */
    private static Submission pendingFrom(String proposer) throws Exception {
        version++;
        byte[] jar = TestJars.bundle(PLUGIN, "", Map.of("g.G", "package g; public class G { int v() { return " + version + "; } }"));
        Path file = Files.write(dir.resolve("cand-" + version + ".jar"), jar);
        Candidate c = READER.read(BundleJar.of(jar, file.toString()), Optional.empty(), proposer);
        Decision d = new PolicyEngine(PolicyReader.defaults()).decide(c);
        assertInstanceOf(Decision.NeedsHuman.class, d);
        return approvals.submit(c, d, file);
    }

    @Test
    void signInWithPasswordOrTokenAndTokensAreStoredHashed() throws Exception {
        assertEquals(Optional.of(bob), accounts.signIn("bob", "bob-password-123".toCharArray()));
        assertTrue(accounts.signIn("bob", "bob-password-12".toCharArray()).isEmpty());
        assertTrue(accounts.signIn("nobody", "bob-password-123".toCharArray()).isEmpty());
        assertThrows(AccountException.class, () -> accounts.createUser("bob", "another-password".toCharArray(), Set.of(Role.ADMIN), "carol"));
        assertThrows(AccountException.class, () -> accounts.createUser("dave", "short".toCharArray(), Set.of(Role.ADMIN), "carol"));
        assertThrows(AccountException.class, () -> accounts.createUser("Robert'); DROP", "long-enough-pass".toCharArray(), Set.of(Role.ADMIN), "carol"));

        String token = accounts.issueToken("bob", "ci");
        assertEquals(Optional.of(bob), accounts.authenticateToken(token));
        assertTrue(accounts.authenticateToken(token + "x").isEmpty());
        try (Connection c = db.connection(); var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT token_hash FROM api_tokens")) {
            while (rs.next()) {
                assertFalse(rs.getString(1).contains(token.substring(4, 20)), "raw token must not be stored");
            }
        }
        accounts.revokeToken(token, "bob");
        assertTrue(accounts.authenticateToken(token).isEmpty());
    }

    @Test
    void approverApprovesAndTheExactArtifactIsClearedUntilTheApprovalExpires() throws Exception {
        Submission s = pendingFrom("alice");
        assertFalse(approvals.clearance(PLUGIN, s.artifact()).cleared(), "pending is not cleared");
        Approval a = approvals.approve(bob, s.digest(), "looks right");
        assertEquals("bob", a.approver());
        assertEquals(s.digest(), a.digest());
        assertEquals(clock.instant().plus(Duration.ofHours(24)), a.expiresAt());
        assertEquals(new Clearance.Cleared(PLUGIN, s.digest(), "bob"), approvals.clearance(PLUGIN, s.artifact()));

        clock.advance(Duration.ofHours(25));
        Clearance late = approvals.clearance(PLUGIN, s.artifact());
        assertFalse(late.cleared());
        assertTrue(late.explanation().startsWith("approval by bob of " + PLUGIN + "@" + s.digest() + " expired at"), late.explanation());
    }

    @Test
    void theProposerCannotApproveItsOwnCandidateNorCanTheEvolutionLoop() throws Exception {
        Submission own = pendingFrom("carol");
        var e = assertThrows(ApprovalRefusedException.class, () -> approvals.approve(carol, own.digest(), "mine"));
        assertEquals("user 'carol' proposed " + PLUGIN + "@" + own.digest() + " and may not approve it", e.getMessage());

        Submission evolved = pendingFrom(ApprovalService.EVOLUTION);
        Principal loop = new Principal(ApprovalService.EVOLUTION, Set.of(Role.ADMIN));
        assertThrows(ApprovalRefusedException.class, () -> approvals.approve(loop, evolved.digest(), "self"));
        var roleError = assertThrows(ApprovalRefusedException.class, () -> approvals.approve(alice, evolved.digest(), "ok"));
        assertTrue(roleError.getMessage().contains("needs approver or admin"), roleError.getMessage());
        assertEquals(CandidateStatus.PENDING, approvals.submission(PLUGIN, evolved.digest()).orElseThrow().status());
        approvals.approve(carol, evolved.digest(), "admin may approve what the loop proposed");
    }

    @Test
    void aChangedArtifactIsNeitherApprovedNorCleared() throws Exception {
        Submission s = pendingFrom("alice");
        Files.write(s.artifact(), TestJars.bundle(PLUGIN, "net", Map.of("g.G", "package g; public class G { }")));
        var e = assertThrows(ApprovalRefusedException.class, () -> approvals.approve(bob, s.digest(), "ok"));
        assertTrue(e.getMessage().startsWith("artifact of " + PLUGIN + " changed since it was submitted"), e.getMessage());

        Submission t = pendingFrom("alice");
        approvals.approve(bob, t.digest(), "fine");
        byte[] swapped = TestJars.bundle(PLUGIN, "net", Map.of("g.G", "package g; public class G { int evil() { return 7; } }"));
        Files.write(t.artifact(), swapped);
        Clearance c = approvals.clearance(PLUGIN, t.artifact());
        assertFalse(c.cleared());
        assertTrue(c.explanation().startsWith("artifact changed since approval: bob approved " + t.digest()), c.explanation());

        assertThrows(ApprovalRefusedException.class, () -> approvals.approve(bob, BundleJar.sha256(swapped), "replay on new digest"));
        assertThrows(ApprovalRefusedException.class, () -> approvals.approve(bob, t.digest(), "approve twice"));
    }

    @Test
    void rejectNeedsAReasonAndEveryDecisionIsAudited() throws Exception {
        Submission s = pendingFrom("alice");
        assertThrows(ApprovalRefusedException.class, () -> approvals.reject(bob, s.digest(), " "));
        Approval r = approvals.reject(bob, s.digest(), "changes the greeting for everyone");
        assertFalse(r.approved());
        assertEquals(CandidateStatus.REJECTED, approvals.submission(PLUGIN, s.digest()).orElseThrow().status());
        assertFalse(approvals.clearance(PLUGIN, s.artifact()).cleared());
        var kinds = audit.about(PLUGIN + "@" + s.digest()).stream().map(x -> x.kind()).toList();
        assertEquals(java.util.List.of("candidate.submitted", "policy.decision", "approval.rejected"), kinds);
        assertInstanceOf(AuditVerification.Intact.class, audit.verify());
    }
}
