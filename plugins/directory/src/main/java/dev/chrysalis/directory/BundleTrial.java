package dev.chrysalis.directory;

import java.util.List;

/**
 * A trial run of a verified bundle before it is installed, for bundles of the {@code untrusted} tier: the host
 * implements it with the sandbox (child JVM, guard agent, replay cases). The directory has no sandbox of its
 * own; without a trial, untrusted bundles are installed on the strength of the scan alone.
 */
@FunctionalInterface
public interface BundleTrial {
    Outcome trial(Verification bundle);

    /** How the trial went. */
    sealed interface Outcome {
        record Passed(String summary) implements Outcome {
        }

        record Failed(List<String> reasons) implements Outcome {
            public Failed {
                reasons = List.copyOf(reasons);
            }
        }
    }
}
