package dev.chrysalis.governance.testing;

import dev.chrysalis.governance.approval.ApprovalService;
import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.policy.BundleJar;
import dev.chrysalis.governance.policy.Candidate;
import dev.chrysalis.governance.policy.CandidateReader;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.PolicyEngine;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.governance.store.GovernanceDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A governance data directory with a live v1 and a submitted v2 of one skill, for promotion tests. */
public final class GovernanceFixture implements AutoCloseable {
    public static final String PLUGIN = "dev.chrysalis.skill.shout";
    public static final String V1_SOURCE = "package s; public class Shout { public String run(String x) { return x.toUpperCase(); } }";
    public static final String V2_SOURCE = "package s; public class Shout { public String run(String x) { return x.toUpperCase(java.util.Locale.ROOT); } }";

    public final Path dataDir;
    public final GovernanceDatabase db;
    public final AuditLog audit;
    public final ApprovalService approvals;
    public final Path v1Jar;
    public final Path v2Jar;
    public final String v1;
    public final String v2;

    /** Builds both jars into {@code dataDir}, submits v2 (auto-approved by the default policy). */
    public static GovernanceFixture create(Path dataDir, Clock clock) {
        Path v1Jar = TestJars.write(dataDir, "v1.jar", Jars.V1);
        Path v2Jar = TestJars.write(dataDir, "v2.jar", Jars.V2);
        var f = new GovernanceFixture(dataDir, clock, v1Jar, v2Jar);
        var reader = new CandidateReader(new BytecodeScanner(CapabilityRules.standard()));
        Candidate c = reader.read(BundleJar.read(v2Jar), Optional.of(BundleJar.read(v1Jar)), ApprovalService.EVOLUTION)
                .withTrial(passingTrial());
        Decision d = new PolicyEngine(PolicyReader.defaults()).decide(c);
        if (!(d instanceof Decision.AutoPromote)) {
            throw new IllegalStateException("fixture candidate should auto-promote: " + d.explanation());
        }
        f.approvals.submit(c, d, v2Jar);
        return f;
    }

    /** A passing sandbox trial of two replayed cases. */
    public static TrialReport passingTrial() {
        return new TrialReport(TrialReport.Verdict.PASS, List.of(new TrialReport.CaseResult("upper", "pass", ""),
                new TrialReport.CaseResult("empty", "pass", "")));
    }

    /** Compiled once per JVM (holder idiom: immutable after class initialisation). */
    private static final class Jars {
        static final byte[] V1 = TestJars.bundle(PLUGIN, "", Map.of("s.Shout", V1_SOURCE));
        static final byte[] V2 = TestJars.bundle(PLUGIN, "", Map.of("s.Shout", V2_SOURCE));
    }

    /** Opens an existing fixture directory (after a restart). */
    public static GovernanceFixture open(Path dataDir, Clock clock) {
        return new GovernanceFixture(dataDir, clock, dataDir.resolve("v1.jar"), dataDir.resolve("v2.jar"));
    }

    private GovernanceFixture(Path dataDir, Clock clock, Path v1Jar, Path v2Jar) {
        this.dataDir = dataDir;
        this.db = GovernanceDatabase.open(dataDir);
        this.audit = new AuditLog(db, clock);
        this.approvals = new ApprovalService(db, audit, clock, Duration.ofHours(24));
        this.v1Jar = v1Jar;
        this.v2Jar = v2Jar;
        this.v1 = BundleJar.read(v1Jar).digest();
        this.v2 = BundleJar.read(v2Jar).digest();
    }

    public Path journalDir() {
        return db.home().resolve("promotions");
    }

    public Path hostState() {
        return dataDir.resolve("host-live.properties");
    }

    @Override
    public void close() {
        db.close();
    }
}
