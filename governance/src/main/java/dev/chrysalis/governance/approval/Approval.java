package dev.chrysalis.governance.approval;

import java.time.Instant;
import java.util.Objects;

/** A person's decision on one exact artifact: it binds the approver, the candidate's SHA-256 and the time. */
public record Approval(long id, String plugin, String digest, String approver, boolean approved, String reason,
                       Instant decidedAt, Instant expiresAt) {
    public Approval {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(decidedAt, "decidedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
