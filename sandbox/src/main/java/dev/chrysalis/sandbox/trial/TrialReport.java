package dev.chrysalis.sandbox.trial;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of one trial.
 *
 * @param sha256      the candidate bundle's digest (its identity)
 * @param workersUsed how many workers the trial needed (one, plus one after each worker that had to end)
 * @param times       how {@code elapsed} divides into waiting for workers, loading the candidate and replaying cases
 */
public record TrialReport(Path candidate, String sha256, TrialVerdict verdict, List<CaseReport> cases,
                          Duration elapsed, int workersUsed, TrialTimes times) {
    public TrialReport {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(verdict, "verdict");
        cases = List.copyOf(cases);
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(times, "times");
    }

    public CaseReport caseReport(String id) {
        return cases.stream().filter(c -> c.caseId().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("trial of " + candidate + " has no case '" + id + "'"));
    }
}
