package dev.chrysalis.governance.capability;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Compares what a bundle declares, what its code uses, and what its trust tier allows. */
public final class CapabilityCheck {
    private CapabilityCheck() {
    }

    public static CapabilityVerdict check(ScanReport scan, Set<Capability> declared, Set<Capability> tierAllows) {
        List<CapabilityUse> undeclared = scan.uses().stream().filter(u -> !declared.contains(u.capability())).toList();
        EnumSet<Capability> beyond = EnumSet.noneOf(Capability.class);
        declared.stream().filter(c -> !tierAllows.contains(c)).forEach(beyond::add);
        if (undeclared.isEmpty() && beyond.isEmpty() && scan.problems().isEmpty()) {
            return new CapabilityVerdict.Safe(declared, scan.usedCapabilities());
        }
        return new CapabilityVerdict.Unsafe(declared, scan.usedCapabilities(), undeclared, beyond, scan.problems());
    }
}
