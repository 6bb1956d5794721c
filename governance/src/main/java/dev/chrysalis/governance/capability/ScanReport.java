package dev.chrysalis.governance.capability;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a bytecode scan of one jar found.
 *
 * @param source         names the jar (file name or digest)
 * @param classesScanned how many class files were parsed, nested jars included
 * @param uses           every reference that needs a capability, in jar order
 * @param problems       entries that could not be scanned (a class that does not parse, a nested jar too deep);
 *                       a jar with problems cannot be cleared, because unscanned code could do anything
 */
public record ScanReport(String source, int classesScanned, List<CapabilityUse> uses, List<String> problems) {
    public ScanReport {
        Objects.requireNonNull(source, "source");
        uses = List.copyOf(uses);
        problems = List.copyOf(problems);
    }

    public Set<Capability> usedCapabilities() {
        return uses.stream().map(CapabilityUse::capability)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Capability.class)));
    }

    public List<CapabilityUse> usesOf(Capability capability) {
        return uses.stream().filter(u -> u.capability() == capability).toList();
    }
}
