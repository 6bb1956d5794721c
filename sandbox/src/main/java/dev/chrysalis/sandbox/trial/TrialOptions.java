package dev.chrysalis.sandbox.trial;

import java.time.Duration;
import java.util.Objects;

/**
 * How one trial runs.
 *
 * @param runsPerCase     how often each case is replayed (k); runs that disagree make the case flaky
 * @param caseTimeout     wall-clock limit of one replayed case
 * @param caseCpuLimit    CPU-time limit of one replayed case (all the worker's threads together)
 * @param loadTimeout     how long the candidate may take to start and register its skills
 * @param stopOnViolation after the first violation, skip the remaining runs (the candidate is unsafe anyway)
 */
public record TrialOptions(int runsPerCase, Duration caseTimeout, Duration caseCpuLimit, Duration loadTimeout,
                           boolean stopOnViolation) {
    public TrialOptions {
        if (runsPerCase < 1) {
            throw new IllegalArgumentException("runs per case must be at least 1, got " + runsPerCase);
        }
        Objects.requireNonNull(caseTimeout, "caseTimeout");
        Objects.requireNonNull(caseCpuLimit, "caseCpuLimit");
        Objects.requireNonNull(loadTimeout, "loadTimeout");
        if (caseTimeout.isNegative() || caseTimeout.isZero() || caseCpuLimit.isNegative() || caseCpuLimit.isZero()) {
            throw new IllegalArgumentException("case limits must be positive: " + caseTimeout + ", " + caseCpuLimit);
        }
    }

    /** k = 3, 10 s wall clock and 5 s CPU per case, 10 s to load, stop on the first violation. */
    public static TrialOptions defaults() {
        return new TrialOptions(3, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(10), true);
    }

    public TrialOptions withRunsPerCase(int k) {
        return new TrialOptions(k, caseTimeout, caseCpuLimit, loadTimeout, stopOnViolation);
    }

    public TrialOptions withCaseLimits(Duration wall, Duration cpu) {
        return new TrialOptions(runsPerCase, wall, cpu, loadTimeout, stopOnViolation);
    }
}
