package dev.chrysalis.governance.web;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the host knows about how often each plugin failed over time (from its turn and evidence store), for
 * the history page. The host implements it; governance adds the promotion and rollback markers from the audit log.
 */
@FunctionalInterface
public interface FailureHistory {

    /** Calls and failures per plugin and per bucket of {@code bucketSeconds}, for buckets starting in [from, to). */
    List<Sample> samples(Instant from, Instant to, long bucketSeconds);

    record Sample(String plugin, Instant bucketStart, long calls, long failures) {
        public Sample {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(bucketStart, "bucketStart");
            if (calls < 0 || failures < 0 || failures > calls) {
                throw new IllegalArgumentException("need 0 <= failures <= calls, got " + failures + "/" + calls);
            }
        }

        public double failureRate() {
            return calls == 0 ? 0 : (double) failures / calls;
        }
    }

    /** For a host that keeps no history: every plot is empty. */
    FailureHistory NONE = (from, to, bucket) -> List.of();
}
