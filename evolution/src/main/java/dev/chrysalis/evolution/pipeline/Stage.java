package dev.chrysalis.evolution.pipeline;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of one evolution, and in one place which transitions are legal. Locate and Plan happen once
 * per batch; Mutate -> Compile -> Package -> Trial -> Verdict once per candidate (a mutator's rejected
 * attempt stays in Mutate; a compile error or a failed verdict goes back to Mutate); the run ends handed to
 * governance, abandoned (budget spent, nothing left to try, interrupted) or failed (an error of ours).
 */
public enum Stage {
    LOCATE, PLAN, MUTATE, COMPILE, PACKAGE, TRIAL, VERDICT, HANDED_TO_GOVERNANCE, FAILED, ABANDONED;

    private static final Map<Stage, Set<Stage>> NEXT = Map.of(
            LOCATE, EnumSet.of(PLAN),
            PLAN, EnumSet.of(MUTATE),
            MUTATE, EnumSet.of(COMPILE, MUTATE), // MUTATE -> MUTATE: a mutator's attempt was rejected before compiling
            COMPILE, EnumSet.of(PACKAGE, MUTATE),
            PACKAGE, EnumSet.of(TRIAL, MUTATE),
            TRIAL, EnumSet.of(VERDICT),
            VERDICT, EnumSet.of(HANDED_TO_GOVERNANCE, MUTATE),
            HANDED_TO_GOVERNANCE, EnumSet.noneOf(Stage.class),
            FAILED, EnumSet.noneOf(Stage.class),
            ABANDONED, EnumSet.noneOf(Stage.class));

    public boolean terminal() {
        return this == HANDED_TO_GOVERNANCE || this == FAILED || this == ABANDONED;
    }

    /** Whether {@code this -> next} is legal: the table above, and any live stage may fail or be abandoned. */
    public boolean canMoveTo(Stage next) {
        if (terminal()) {
            return false;
        }
        return NEXT.get(this).contains(next) || next == FAILED || next == ABANDONED;
    }

    public String label() {
        return switch (this) {
            case HANDED_TO_GOVERNANCE -> "HandedToGovernance";
            default -> name().charAt(0) + name().substring(1).toLowerCase();
        };
    }
}
