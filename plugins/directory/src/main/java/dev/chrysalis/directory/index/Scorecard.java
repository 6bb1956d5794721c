package dev.chrysalis.directory.index;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How a published version has done: its replay cases and the share that passed (when the publisher ran them),
 * what the governance capability scan found, and the evidence ids that produced this version.
 */
public record Scorecard(OptionalInt replayCases, OptionalDouble passRate, CapabilityScan scan, List<String> lineage) {
    public Scorecard {
        Objects.requireNonNull(replayCases, "replayCases");
        Objects.requireNonNull(passRate, "passRate");
        Objects.requireNonNull(scan, "scan");
        lineage = List.copyOf(lineage);
        if (passRate.isPresent() && (passRate.getAsDouble() < 0 || passRate.getAsDouble() > 1)) {
            throw new IllegalArgumentException("pass rate " + passRate.getAsDouble() + " is outside 0..1");
        }
        if (replayCases.isPresent() && replayCases.getAsInt() < 0) {
            throw new IllegalArgumentException("replay case count " + replayCases.getAsInt() + " is negative");
        }
    }

    /**
     * The governance capability scan at publish time.
     *
     * @param verdict  {@code safe} or {@code unsafe} against the tier the entry claims
     * @param declared capability ids the manifest declares
     * @param used     capability ids the code uses
     * @param reasons  why it is unsafe (empty when safe)
     */
    public record CapabilityScan(String verdict, List<String> declared, List<String> used, List<String> reasons) {
        public CapabilityScan {
            Objects.requireNonNull(verdict, "verdict");
            declared = List.copyOf(declared);
            used = List.copyOf(used);
            reasons = List.copyOf(reasons);
        }
    }
}
