package dev.chrysalis.evolution.pipeline;

import dev.chrysalis.evolution.mutate.AstMutator;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.sandbox.trial.TrialOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Budgets, trial settings and mutators of one batch's evolution.
 *
 * @param candidatesPerBatch the most candidates made for one batch (a mutator's rejected attempt counts too)
 * @param wallTime           the most time one batch may take
 * @param trial              the full trial (k runs per case; k = 3 by default)
 * @param spectrum           measure a spectrum on main for fault localisation (skills only)
 * @param mutators           asked in this order for each node of the candidate tree; the AST operators alone by default
 * @param neighbourInputs    the most inputs near the cases ({@link dev.chrysalis.evolution.preserve.NeighbourInputs}) on which a
 *                           candidate that passes its trial must not fail where main did not; 0 turns the check off
 */
public record EvolutionSettings(int candidatesPerBatch, Duration wallTime, TrialOptions trial, boolean spectrum,
                                List<Mutator> mutators, int neighbourInputs) {
    /** Enough neighbours for every case of a shipped skill to contribute a few, at a fraction of a second per trial. */
    private static final int DEFAULT_NEIGHBOUR_INPUTS = 64;

    public EvolutionSettings {
        if (candidatesPerBatch < 1) {
            throw new IllegalArgumentException("candidates per batch must be at least 1, got " + candidatesPerBatch);
        }
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(trial, "trial");
        if (wallTime.isNegative() || wallTime.isZero()) {
            throw new IllegalArgumentException("wall time budget must be positive, got " + wallTime);
        }
        mutators = List.copyOf(mutators);
        if (mutators.isEmpty()) {
            throw new IllegalArgumentException("an evolution needs at least one mutator");
        }
        if (neighbourInputs < 0) {
            throw new IllegalArgumentException("neighbour inputs must not be negative, got " + neighbourInputs);
        }
    }

    /** The AST repair operators as the only mutator. */
    public EvolutionSettings(int candidatesPerBatch, Duration wallTime, TrialOptions trial, boolean spectrum) {
        this(candidatesPerBatch, wallTime, trial, spectrum, List.of(new AstMutator()), DEFAULT_NEIGHBOUR_INPUTS);
    }

    public static EvolutionSettings defaults() {
        return new EvolutionSettings(60, Duration.ofMinutes(10), TrialOptions.defaults(), true);
    }

    /** The same budgets with these mutators, asked in this order. */
    public EvolutionSettings withMutators(List<Mutator> ordered) {
        return new EvolutionSettings(candidatesPerBatch, wallTime, trial, spectrum, ordered, neighbourInputs);
    }
}
