package dev.chrysalis.evolution.evidence;

import dev.chrysalis.spi.replay.ReplayCase;
import java.util.Objects;

/**
 * One replayable call of a piece of evidence and what "fixed" means for it.
 *
 * @param replay the call; its expectation is either the correct behaviour ({@link Goal#MATCH}: a correction
 *               came with the evidence) or the recorded wrong behaviour ({@link Goal#CHANGE})
 */
public record EvidenceCase(ReplayCase replay, Goal goal) {
    public enum Goal {
        /** Fixed when the candidate produces the expectation. */
        MATCH,
        /** Fixed when the candidate answers, consistently, with something other than the recorded failure. */
        CHANGE
    }

    public EvidenceCase {
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(goal, "goal");
    }

    /** Evidence with the same call (skill and input) is the same evidence. */
    public String dedupKey() {
        return replay.skill() + "\u0000" + replay.input().toString();
    }
}
