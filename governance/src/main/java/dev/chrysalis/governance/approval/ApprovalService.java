package dev.chrysalis.governance.approval;

import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.capability.CapabilityDeclaration;
import dev.chrysalis.governance.policy.BundleJar;
import dev.chrysalis.governance.policy.Candidate;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.Risk;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.store.GovernanceStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Submitted candidates and the human decisions on them. An approval binds the approver, the candidate's
 * SHA-256 and the time, and expires; nobody approves a candidate they proposed, machine identities (the
 * evolution loop) approve nothing, and an artifact whose bytes changed since submission is neither approved
 * nor cleared. Every submission and decision is audited.
 */
public final class ApprovalService {
    /** The identity the evolution loop proposes under; it can never approve. */
    public static final String EVOLUTION = "evolution";

    private final GovernanceDatabase db;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration ttl;
    private final Set<String> machineIdentities;

    public ApprovalService(GovernanceDatabase db, AuditLog audit, Clock clock, Duration ttl, Set<String> machineIdentities) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.ttl = ttl;
        this.machineIdentities = Set.copyOf(machineIdentities);
        db.execute("""
                CREATE TABLE IF NOT EXISTS submissions (
                  id BIGINT AUTO_INCREMENT PRIMARY KEY,
                  plugin VARCHAR(200) NOT NULL,
                  digest CHAR(64) NOT NULL,
                  proposer VARCHAR(64) NOT NULL,
                  artifact VARCHAR(1000) NOT NULL,
                  submitted_at VARCHAR(40) NOT NULL,
                  status VARCHAR(20) NOT NULL,
                  decision_kind VARCHAR(20) NOT NULL,
                  explanation CHARACTER LARGE OBJECT NOT NULL,
                  diff CHARACTER LARGE OBJECT NOT NULL,
                  capabilities VARCHAR(1000) NOT NULL,
                  baseline_digest CHAR(64),
                  UNIQUE (plugin, digest))""",
                "ALTER TABLE submissions ADD COLUMN IF NOT EXISTS trial CHARACTER LARGE OBJECT",
                "ALTER TABLE submissions ADD COLUMN IF NOT EXISTS risk VARCHAR(2000) DEFAULT '' NOT NULL", """
                CREATE TABLE IF NOT EXISTS approvals (
                  id BIGINT AUTO_INCREMENT PRIMARY KEY,
                  plugin VARCHAR(200) NOT NULL,
                  digest CHAR(64) NOT NULL,
                  approver VARCHAR(64) NOT NULL,
                  approved BOOLEAN NOT NULL,
                  reason VARCHAR(2000) NOT NULL,
                  decided_at VARCHAR(40) NOT NULL,
                  expires_at VARCHAR(40) NOT NULL)""");
    }

    public ApprovalService(GovernanceDatabase db, AuditLog audit, Clock clock, Duration ttl) {
        this(db, audit, clock, ttl, Set.of(EVOLUTION));
    }

    /** Records a candidate and the policy's decision on it; the artifact must hash to the candidate's digest. */
    public Submission submit(Candidate candidate, Decision decision, Path artifact) {
        return submit(candidate, decision, new Risk(Risk.Level.MEDIUM, List.of("not assessed")), artifact);
    }

    /** As {@link #submit(Candidate, Decision, Path)}, with the policy's risk assessment shown to reviewers. */
    public Submission submit(Candidate candidate, Decision decision, Risk risk, Path artifact) {
        String actual = digestOf(artifact);
        if (!actual.equals(candidate.digest())) {
            throw new ApprovalRefusedException("artifact " + artifact + " hashes to " + actual + ", not the candidate's "
                    + candidate.digest());
        }
        if (!decision.digest().equals(candidate.digest())) {
            throw new IllegalArgumentException("decision is about " + decision.digest() + ", candidate is " + candidate.digest());
        }
        CandidateStatus status = switch (decision) {
            case Decision.AutoPromote a -> CandidateStatus.AUTO_APPROVED;
            case Decision.NeedsHuman h -> CandidateStatus.PENDING;
            case Decision.Refused r -> CandidateStatus.REFUSED;
        };
        String kind = switch (decision) {
            case Decision.AutoPromote a -> "auto-promote";
            case Decision.NeedsHuman h -> "needs-human";
            case Decision.Refused r -> "refused";
        };
        String caps = "declared {" + CapabilityDeclaration.format(candidate.declared()) + "}; used {"
                + CapabilityDeclaration.format(candidate.scan().usedCapabilities()) + "}; new {"
                + CapabilityDeclaration.format(candidate.newCapabilities()) + "}";
        Instant now = clock.instant();
        long id;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO submissions (plugin, digest, proposer, artifact, submitted_at, status, decision_kind, explanation,
                  diff, capabilities, baseline_digest, trial, risk) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, candidate.plugin());
            ps.setString(2, candidate.digest());
            ps.setString(3, candidate.proposer());
            ps.setString(4, artifact.toAbsolutePath().toString());
            ps.setString(5, now.toString());
            ps.setString(6, status.id());
            ps.setString(7, kind);
            ps.setString(8, String.join("\n", decision.reasons()));
            ps.setString(9, candidate.change().unifiedDiff());
            ps.setString(10, caps);
            ps.setString(11, candidate.baseline().map(Candidate.Baseline::digest).orElse(null));
            ps.setString(12, candidate.trial().map(TrialReport::toJson).orElse(null));
            String riskText = risk.summary();
            ps.setString(13, riskText.length() > 2000 ? riskText.substring(0, 1997) + "..." : riskText);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new ApprovalRefusedException(candidate.plugin() + "@" + candidate.digest() + " was already submitted");
            }
            throw new GovernanceStoreException("cannot record submission of " + candidate.plugin() + ": " + e.getMessage(), e);
        }
        String subject = candidate.plugin() + "@" + candidate.digest();
        audit.append(candidate.proposer(), "candidate.submitted", subject, caps);
        audit.append("policy", "policy.decision", subject, kind + "; risk " + risk.summary() + "\n" + String.join("\n", decision.reasons()));
        return submission(id).orElseThrow();
    }

    /** Approves the pending candidate whose digest the approver saw ({@code digestSeen}). */
    public Approval approve(Principal approver, String digestSeen, String reason) {
        return decide(approver, digestSeen, reason, true);
    }

    /** Rejects a pending candidate; a reason is required. */
    public Approval reject(Principal approver, String digestSeen, String reason) {
        if (reason.isBlank()) {
            throw new ApprovalRefusedException("rejecting " + digestSeen + " needs a reason");
        }
        return decide(approver, digestSeen, reason, false);
    }

    private Approval decide(Principal who, String digestSeen, String reason, boolean approve) {
        String verb = approve ? "approve" : "reject";
        if (machineIdentities.contains(who.name())) {
            throw new ApprovalRefusedException(ApprovalRefusedException.Kind.NOT_ALLOWED, "'" + who.name() + "' is a machine identity and may not " + verb + " candidates");
        }
        if (!who.mayApprove()) {
            throw new ApprovalRefusedException(ApprovalRefusedException.Kind.NOT_ALLOWED, "user '" + who.name() + "' has roles " + who.roles() + "; to " + verb
                    + " a candidate needs approver or admin");
        }
        Submission s = pendingByDigest(digestSeen).orElseThrow(() -> new ApprovalRefusedException(
                "no pending candidate has digest " + digestSeen + " (it changed, was decided already, or never existed)"));
        if (approve && s.proposer().equals(who.name())) {
            throw new ApprovalRefusedException(ApprovalRefusedException.Kind.NOT_ALLOWED, "user '" + who.name() + "' proposed " + s.plugin() + "@" + s.digest()
                    + " and may not approve it");
        }
        String actual = digestOf(s.artifact());
        if (!actual.equals(s.digest())) {
            audit.append(who.name(), "approval.refused", s.plugin() + "@" + s.digest(),
                    "artifact " + s.artifact() + " changed since submission: now " + actual);
            throw new ApprovalRefusedException("artifact of " + s.plugin() + " changed since it was submitted: submitted "
                    + s.digest() + ", file now hashes to " + actual);
        }
        Instant now = clock.instant();
        Instant expires = approve ? now.plus(ttl) : now;
        long id;
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement("UPDATE submissions SET status = ? WHERE id = ? AND status = ?")) {
                up.setString(1, (approve ? CandidateStatus.APPROVED : CandidateStatus.REJECTED).id());
                up.setLong(2, s.id());
                up.setString(3, CandidateStatus.PENDING.id());
                if (up.executeUpdate() != 1) {
                    c.rollback();
                    throw new ApprovalRefusedException(s.plugin() + "@" + s.digest() + " was decided by someone else meanwhile");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO approvals (plugin, digest, approver, approved, reason, decided_at, expires_at)
                    VALUES (?,?,?,?,?,?,?)""", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, s.plugin());
                ps.setString(2, s.digest());
                ps.setString(3, who.name());
                ps.setBoolean(4, approve);
                ps.setString(5, reason);
                ps.setString(6, now.toString());
                ps.setString(7, expires.toString());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot record the decision on " + s.plugin() + ": " + e.getMessage(), e);
        }
        audit.append(who.name(), approve ? "approval.granted" : "approval.rejected", s.plugin() + "@" + s.digest(),
                (approve ? "expires " + expires + "; " : "") + reason);
        return new Approval(id, s.plugin(), s.digest(), who.name(), approve, reason, now, expires);
    }

    /**
     * Whether {@code artifact} may be promoted now: its bytes must hash to a submission that the policy
     * auto-approved, or that a person approved and whose approval has not expired.
     */
    public Clearance clearance(String plugin, Path artifact) {
        String actual;
        try {
            actual = digestOf(artifact);
        } catch (ApprovalRefusedException e) {
            return new Clearance.NotCleared(e.getMessage());
        }
        Optional<Submission> s = submission(plugin, actual);
        if (s.isEmpty()) {
            Optional<Approval> last = latestApproval(plugin);
            return new Clearance.NotCleared(last.filter(Approval::approved).map(a -> "artifact changed since approval: "
                    + a.approver() + " approved " + a.digest() + ", the artifact is " + actual)
                    .orElse("no submission of " + plugin + " has digest " + actual));
        }
        Submission sub = s.get();
        return switch (sub.status()) {
            case AUTO_APPROVED -> new Clearance.Cleared(plugin, actual, "policy");
            case APPROVED, PROMOTING -> {
                Optional<Approval> a = approvalOf(plugin, actual);
                if (a.isEmpty()) {
                    yield sub.status() == CandidateStatus.PROMOTING && sub.decisionKind().equals("auto-promote")
                            ? new Clearance.Cleared(plugin, actual, "policy")
                            : new Clearance.NotCleared(plugin + "@" + actual + " has no approval on record");
                }
                if (!clock.instant().isBefore(a.get().expiresAt())) {
                    yield new Clearance.NotCleared("approval by " + a.get().approver() + " of " + plugin + "@" + actual
                            + " expired at " + a.get().expiresAt());
                }
                yield new Clearance.Cleared(plugin, actual, a.get().approver());
            }
            default -> new Clearance.NotCleared(plugin + "@" + actual + " is " + sub.status().id() + ", not approved");
        };
    }

    /** Moves a submission along (promotion start and outcome); audited by the caller's promotion records. */
    public void setStatus(String plugin, String digest, CandidateStatus status) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE submissions SET status = ? WHERE plugin = ? AND digest = ?")) {
            ps.setString(1, status.id());
            ps.setString(2, plugin);
            ps.setString(3, digest);
            if (ps.executeUpdate() != 1) {
                throw new ApprovalRefusedException("no submission " + plugin + "@" + digest);
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot update submission " + plugin + "@" + digest + ": " + e.getMessage(), e);
        }
    }

    public List<Submission> pending() {
        return submissions("WHERE status = 'pending' ORDER BY id");
    }

    public List<Submission> all() {
        return submissions("ORDER BY id DESC");
    }

    public Optional<Submission> submission(long id) {
        return submissions("WHERE id = " + id).stream().findFirst();
    }

    public Optional<Submission> submission(String plugin, String digest) {
        Objects.requireNonNull(plugin);
        return submissions("WHERE digest = '" + hex(digest) + "'").stream().filter(s -> s.plugin().equals(plugin)).findFirst();
    }

    private Optional<Submission> pendingByDigest(String digest) {
        return submissions("WHERE status = 'pending' AND digest = '" + hex(digest) + "'").stream().findFirst();
    }

    public List<Approval> decisions(String plugin, String digest) {
        return approvals("WHERE plugin = ? AND digest = ? ORDER BY id", plugin, digest);
    }

    private Optional<Approval> approvalOf(String plugin, String digest) {
        List<Approval> list = approvals("WHERE plugin = ? AND digest = ? AND approved ORDER BY id DESC", plugin, digest);
        return list.stream().findFirst();
    }

    private Optional<Approval> latestApproval(String plugin) {
        return approvals("WHERE plugin = ? ORDER BY id DESC", plugin).stream().findFirst();
    }

    private List<Approval> approvals(String where, String... params) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT * FROM approvals " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<Approval> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Approval(rs.getLong("id"), rs.getString("plugin"), rs.getString("digest").strip(),
                            rs.getString("approver"), rs.getBoolean("approved"), rs.getString("reason"),
                            Instant.parse(rs.getString("decided_at")), Instant.parse(rs.getString("expires_at"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read approvals: " + e.getMessage(), e);
        }
    }

    private List<Submission> submissions(String where) {
        try (Connection c = db.connection(); var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM submissions " + where)) {
            List<Submission> out = new ArrayList<>();
            while (rs.next()) {
                String explanation = rs.getString("explanation");
                out.add(new Submission(rs.getLong("id"), rs.getString("plugin"), rs.getString("digest").strip(),
                        rs.getString("proposer"), Path.of(rs.getString("artifact")), Instant.parse(rs.getString("submitted_at")),
                        CandidateStatus.byId(rs.getString("status")).orElseThrow(), rs.getString("decision_kind"),
                        explanation.isEmpty() ? List.of() : List.of(explanation.split("\n")), rs.getString("diff"),
                        rs.getString("capabilities"), Optional.ofNullable(rs.getString("baseline_digest")).map(String::strip),
                        Optional.ofNullable(rs.getString("trial")).map(t -> TrialReport.parse(t, "stored trial report")),
                        rs.getString("risk")));
            }
            return out;
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read submissions: " + e.getMessage(), e);
        }
    }

    /** Only hex digits reach SQL text; anything else cannot match a digest. */
    private static String hex(String digest) {
        return digest.matches("[0-9a-f]{64}") ? digest : "not-a-digest";
    }

    static String digestOf(Path artifact) {
        try {
            return BundleJar.sha256(Files.readAllBytes(artifact));
        } catch (IOException e) {
            throw new ApprovalRefusedException("cannot read artifact " + artifact + ": " + e.getMessage());
        }
    }
}
