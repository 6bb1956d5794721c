package dev.chrysalis.governance.promotion;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of one promotion. The legal transitions are listed here and nowhere else; every transition is
 * journaled before it takes effect and audited after.
 */
public enum PromotionState {
    /** Cleared by the policy or a person; nothing has happened yet. */
    CLEARED,
    /** The candidate is staged and gets copies of live calls; its answers are compared, never returned. */
    SHADOW,
    /** A set percentage of calls is answered by the candidate. */
    CANARY,
    /** The candidate is being swapped in to serve every call. */
    FULL,
    /** The candidate serves every call; health and quality gates are watched. */
    PROBATION,
    /** Probation passed: the candidate is the new last-good version. Terminal. */
    PROMOTED,
    /** A gate failed, a step failed, someone aborted, or recovery after a crash: going back to the last good version. */
    ROLLING_BACK,
    /** The last good version serves every call again. Terminal. */
    ROLLED_BACK;

    private static final Map<PromotionState, Set<PromotionState>> LEGAL = Map.of(
            CLEARED, EnumSet.of(SHADOW, ROLLING_BACK),
            SHADOW, EnumSet.of(CANARY, ROLLING_BACK),
            CANARY, EnumSet.of(FULL, ROLLING_BACK),
            FULL, EnumSet.of(PROBATION, ROLLING_BACK),
            PROBATION, EnumSet.of(PROMOTED, ROLLING_BACK),
            PROMOTED, EnumSet.noneOf(PromotionState.class),
            ROLLING_BACK, EnumSet.of(ROLLED_BACK),
            ROLLED_BACK, EnumSet.noneOf(PromotionState.class));

    public boolean canMoveTo(PromotionState next) {
        return LEGAL.get(this).contains(next);
    }

    public boolean terminal() {
        return LEGAL.get(this).isEmpty();
    }

    public Set<PromotionState> next() {
        return LEGAL.get(this);
    }

    public String id() {
        return name().toLowerCase().replace('_', '-');
    }
}
