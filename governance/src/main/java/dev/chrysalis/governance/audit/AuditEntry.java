package dev.chrysalis.governance.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the audit log.
 *
 * @param seq      position in the chain, from 1
 * @param actor    who did it (a user, {@code evolution}, {@code promotion-controller}, {@code recovery})
 * @param kind     what happened, dotted: {@code policy.decision}, {@code approval.granted}, {@code promotion.transition},
 *                 {@code promotion.swap}, {@code promotion.rollback} ...
 * @param subject  what it happened to, usually {@code plugin@digest}
 * @param detail   free text (explanations, gate values)
 * @param prevHash SHA-256 (hex) of the previous row's canonical content; 64 zeros for the first row
 * @param hash     SHA-256 (hex) of this row's canonical content, which includes {@code prevHash}
 */
public record AuditEntry(long seq, Instant at, String actor, String kind, String subject, String detail,
                         String prevHash, String hash) {
    public static final String GENESIS = "0".repeat(64);

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }
}
