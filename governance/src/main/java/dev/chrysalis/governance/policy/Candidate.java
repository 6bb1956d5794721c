package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.ScanReport;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A bundle proposed to replace the live one, with what governance needs to decide on it.
 *
 * @param plugin    the bundle's symbolic name
 * @param digest    SHA-256 of the bundle jar (hex): the candidate's identity
 * @param declared  capabilities declared in the manifest
 * @param scan      what the bytecode scan found
 * @param baseline  the bundle it replaces, when there is one
 * @param change    how much changed against the baseline
 * @param proposer  who proposed it (a user name, or the evolution loop's identity)
 * @param trial     the sandbox trial's verdict and per-case results, when it was tried
 */
public record Candidate(String plugin, String digest, Set<Capability> declared, ScanReport scan,
                        Optional<Baseline> baseline, ChangeSize change, String proposer, Optional<TrialReport> trial) {
    public Candidate {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(digest, "digest");
        declared = Set.copyOf(declared);
        Objects.requireNonNull(scan, "scan");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(proposer, "proposer");
        Objects.requireNonNull(trial, "trial");
    }

    public Candidate withTrial(TrialReport report) {
        return new Candidate(plugin, digest, declared, scan, baseline, change, proposer, Optional.of(report));
    }

    /** The live bundle a candidate replaces. */
    public record Baseline(String digest, Set<Capability> declared, Set<Capability> used) {
        public Baseline {
            declared = Set.copyOf(declared);
            used = Set.copyOf(used);
        }
    }

    /** Capabilities the candidate declares or uses that the baseline did neither (all of them when there is no baseline). */
    public Set<Capability> newCapabilities() {
        var out = java.util.EnumSet.noneOf(Capability.class);
        out.addAll(declared);
        out.addAll(scan.usedCapabilities());
        baseline.ifPresent(b -> {
            out.removeAll(b.declared());
            out.removeAll(b.used());
        });
        return out;
    }
}
