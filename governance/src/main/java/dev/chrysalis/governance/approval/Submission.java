package dev.chrysalis.governance.approval;

import dev.chrysalis.governance.policy.TrialReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A candidate as submitted for review: what the reviewer sees.
 *
 * @param artifact       the bundle jar on disk (re-hashed before approval and before promotion)
 * @param decisionKind   auto-promote, needs-human or refused
 * @param explanation    the policy's reasons, one per line
 * @param diff           unified source diff against the baseline
 * @param capabilities   capability summary (declared / used / new)
 * @param trial          the sandbox trial's verdict and per-case results, when there was one
 * @param risk           the reviewer's risk summary ({@code medium: adds net; first install})
 */
public record Submission(long id, String plugin, String digest, String proposer, Path artifact, Instant submittedAt,
                         CandidateStatus status, String decisionKind, List<String> explanation, String diff,
                         String capabilities, Optional<String> baselineDigest, Optional<TrialReport> trial,
                         String risk) {
    public Submission {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(proposer, "proposer");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(status, "status");
        explanation = List.copyOf(explanation);
        Objects.requireNonNull(diff, "diff");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(baselineDigest, "baselineDigest");
        Objects.requireNonNull(trial, "trial");
        Objects.requireNonNull(risk, "risk");
    }
}
