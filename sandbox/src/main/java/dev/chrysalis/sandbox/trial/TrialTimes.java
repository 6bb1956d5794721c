package dev.chrysalis.sandbox.trial;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a trial's time went, summed over the workers it used.
 *
 * @param acquire waiting for a worker from the pool (zero when a warm one was ready; a cold start otherwise)
 * @param load    installing and starting the candidate bundle in the worker (and the shipped plugins for turn cases)
 * @param replay  replaying the cases, every run of every case
 * @param retire  ending the workers the trial used
 * @param workerCpu CPU time of the worker processes the trial used, from their start (a warm worker boots
 *                  before the trial) to their end: what the trial cost the machine outside this JVM
 */
public record TrialTimes(Duration acquire, Duration load, Duration replay, Duration retire, Duration workerCpu) {
    public TrialTimes {
        Objects.requireNonNull(acquire, "acquire");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(retire, "retire");
        Objects.requireNonNull(workerCpu, "workerCpu");
    }

    /** This less what an earlier report of the same trial already counted. */
    public TrialTimes minus(TrialTimes earlier) {
        return new TrialTimes(acquire.minus(earlier.acquire), load.minus(earlier.load), replay.minus(earlier.replay),
                retire.minus(earlier.retire), workerCpu.minus(earlier.workerCpu));
    }
}
