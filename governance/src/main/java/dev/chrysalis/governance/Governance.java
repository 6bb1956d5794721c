package dev.chrysalis.governance;

import dev.chrysalis.governance.approval.Accounts;
import dev.chrysalis.governance.approval.ApprovalService;
import dev.chrysalis.governance.approval.PasswordHasher;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.policy.BundleJar;
import dev.chrysalis.governance.policy.Candidate;
import dev.chrysalis.governance.policy.CandidateReader;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.Policy;
import dev.chrysalis.governance.policy.PolicyEngine;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.governance.promotion.LiveSwitch;
import dev.chrysalis.governance.promotion.PromotionController;
import dev.chrysalis.governance.promotion.PromotionPlan;
import dev.chrysalis.governance.promotion.StepListener;
import dev.chrysalis.governance.promotion.TrafficTap;
import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.store.GovernanceStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Everything governance offers the host, opened on one data directory: audit log, accounts, the policy,
 * submissions and approvals, and promotion controllers. The host creates one at start-up and closes it last.
 */
public final class Governance implements AutoCloseable {
    private final GovernanceDatabase db;
    private final Clock clock;
    private final AuditLog audit;
    private final Accounts accounts;
    private final ApprovalService approvals;
    private final PolicyEngine policy;
    private final CandidateReader reader;

    private Governance(GovernanceDatabase db, Policy policy, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.audit = new AuditLog(db, clock);
        this.accounts = new Accounts(db, audit, new PasswordHasher(), new SecureRandom(), clock);
        this.approvals = new ApprovalService(db, audit, clock, policy.approvalTtl());
        this.policy = new PolicyEngine(policy);
        this.reader = new CandidateReader(new BytecodeScanner(CapabilityRules.standard()));
    }

    public static Governance open(Path dataDir, Policy policy, Clock clock) {
        return new Governance(GovernanceDatabase.open(dataDir), policy, clock);
    }

    public AuditLog audit() {
        return audit;
    }

    public Accounts accounts() {
        return accounts;
    }

    public ApprovalService approvals() {
        return approvals;
    }

    public PolicyEngine policy() {
        return policy;
    }

    public GovernanceDatabase database() {
        return db;
    }

    /** The candidate, the policy's decision and the stored submission of one proposal. */
    public record Proposal(Candidate candidate, Decision decision, Submission submission) {
    }

    /**
     * Judges a candidate jar and submits it: the jar is copied into the governance store under its digest
     * (so the bytes reviewed are the bytes promoted), scanned, compared with {@code baseline}, decided by the
     * policy (with the sandbox trial's report, when there is one) and recorded; all audited.
     */
    public Proposal propose(Path jar, Optional<Path> baseline, String proposer, Optional<TrialReport> trial) {
        BundleJar candidateJar = BundleJar.read(jar);
        Path stored = db.home().resolve("artifacts").resolve(candidateJar.digest() + ".jar");
        try {
            Files.createDirectories(stored.getParent());
            if (!Files.exists(stored)) {
                Path tmp = Files.createTempFile(stored.getParent(), "incoming-", ".jar");
                Files.write(tmp, candidateJar.bytes());
                Files.move(tmp, stored, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new GovernanceStoreException("cannot store candidate " + jar + " as " + stored + ": " + e.getMessage(), e);
        }
        Candidate read = reader.read(candidateJar, baseline.map(BundleJar::read), proposer);
        Candidate candidate = trial.map(read::withTrial).orElse(read);
        Decision decision = policy.decide(candidate);
        Submission submission = approvals.submit(candidate, decision, policy.assess(candidate), stored);
        return new Proposal(candidate, decision, submission);
    }

    /** A promotion controller over the host's switch and tap; call {@code recover()} on it before traffic. */
    public PromotionController promotions(PromotionPlan plan, LiveSwitch live, TrafficTap tap, StepListener steps) {
        return new PromotionController(plan, live, tap, approvals, audit, db.home().resolve("promotions"), clock, steps);
    }

    @Override
    public void close() {
        db.close();
    }
}
