package dev.chrysalis.evolution.pipeline;

import dev.chrysalis.sandbox.trial.TrialOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Budgets and trial settings of one batch's evolution.
 *
 * @param candidatesPerBatch the most candidates made for one batch
 * @param wallTime           the most time one batch may take
 * @param trial              the full trial (k runs per case; k = 3 by default)
 * @param spectrum           measure a spectrum on main for fault localisation (skills only)
 */
public record EvolutionSettings(int candidatesPerBatch, Duration wallTime, TrialOptions trial, boolean spectrum) {
    public EvolutionSettings {
        if (candidatesPerBatch < 1) {
            throw new IllegalArgumentException("candidates per batch must be at least 1, got " + candidatesPerBatch);
        }
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(trial, "trial");
        if (wallTime.isNegative() || wallTime.isZero()) {
            throw new IllegalArgumentException("wall time budget must be positive, got " + wallTime);
        }
    }

    public static EvolutionSettings defaults() {
        return new EvolutionSettings(60, Duration.ofMinutes(10), TrialOptions.defaults(), true);
    }
}
