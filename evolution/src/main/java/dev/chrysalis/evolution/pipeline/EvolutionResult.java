package dev.chrysalis.evolution.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** How a batch's evolution ended. */
public sealed interface EvolutionResult {
    String batch();

    List<CandidateOutcome> candidates();

    Duration elapsed();

    /** A candidate fixed all evidence, broke no regression case and broke no rule: governance decides now. */
    record HandedToGovernance(String batch, CandidateOutcome winner, Path bundle, String commitId,
                              List<CandidateOutcome> candidates, Duration elapsed) implements EvolutionResult {
        public HandedToGovernance {
            candidates = List.copyOf(candidates);
        }
    }

    /** No candidate passed within the budget, nothing was left to try, or the run was interrupted. */
    record Abandoned(String batch, String reason, List<CandidateOutcome> candidates, Duration elapsed) implements EvolutionResult {
        public Abandoned {
            candidates = List.copyOf(candidates);
        }
    }

    /** An error of ours (workspace, packaging, sandbox) ended the run; the message says which. */
    record Failed(String batch, String reason, List<CandidateOutcome> candidates, Duration elapsed) implements EvolutionResult {
        public Failed {
            candidates = List.copyOf(candidates);
        }
    }
}
