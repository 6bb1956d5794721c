package dev.chrysalis.governance.promotion;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a promotion journal. A transition is written twice: {@code BEGIN} before any of its effects,
 * {@code DONE} after its effects and its audit row.
 *
 * @param promotion  identifies the promotion: {@code <plugin>#<n>}
 * @param lastGood   the digest that was live when the promotion started (where a rollback goes)
 * @param artifact   the candidate jar's path
 * @param reason     why the transition happened (gate values, failure, recovery)
 */
public record JournalRecord(String promotion, String plugin, String candidate, String lastGood, String artifact,
                            PromotionState state, Phase phase, String reason, Instant at) {
    public enum Phase { BEGIN, DONE }

    public JournalRecord {
        Objects.requireNonNull(promotion, "promotion");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(lastGood, "lastGood");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    JournalRecord next(PromotionState s, Phase p, String why, Instant when) {
        return new JournalRecord(promotion, plugin, candidate, lastGood, artifact, s, p, why, when);
    }
}
