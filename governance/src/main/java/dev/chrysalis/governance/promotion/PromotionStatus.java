package dev.chrysalis.governance.promotion;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one plugin's latest promotion stands.
 *
 * @param lastGood the digest a rollback returns to; empty for a first install
 * @param since    when the current state was entered
 */
public record PromotionStatus(String promotion, String plugin, String candidate, String lastGood, PromotionState state,
                              Instant since, GateReadings readings, String lastReason) {
    public PromotionStatus {
        Objects.requireNonNull(promotion, "promotion");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(lastGood, "lastGood");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(readings, "readings");
        Objects.requireNonNull(lastReason, "lastReason");
    }
}
