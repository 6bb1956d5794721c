package dev.chrysalis.evolution.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one candidate of a batch went.
 *
 * @param n                 its number in the batch (branch {@code evolve/<batch>/<n>})
 * @param parent            the candidate it was mutated from (0 = main)
 * @param mutation          what the mutator changed
 * @param sha256            the bundle's digest, when it was packaged
 * @param stage             the last stage it reached: COMPILE (did not compile), PACKAGE, VERDICT or HANDED_TO_GOVERNANCE
 * @param compileErrors     the compiler's messages when it did not compile
 * @param evidenceFixed     evidence case ids the trial showed fixed
 * @param regressionBroken  regression case ids it broke (only known after a full trial)
 * @param newFailures       neighbour inputs it fails on where main did not (only checked after a passing full trial)
 * @param fitness           share of evidence fixed; 2 for a full pass
 */
public record CandidateOutcome(int n, int parent, String branch, String mutation, Optional<String> sha256, Stage stage,
                               List<String> compileErrors, List<String> evidenceFixed, List<String> regressionBroken,
                               List<String> newFailures, Optional<String> unsafe, double fitness) {
    public CandidateOutcome {
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(mutation, "mutation");
        Objects.requireNonNull(stage, "stage");
        compileErrors = List.copyOf(compileErrors);
        evidenceFixed = List.copyOf(evidenceFixed);
        regressionBroken = List.copyOf(regressionBroken);
        newFailures = List.copyOf(newFailures);
    }
}
