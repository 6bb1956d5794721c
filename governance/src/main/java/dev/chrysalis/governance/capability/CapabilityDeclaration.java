package dev.chrysalis.governance.capability;

import java.util.EnumSet;
import java.util.Set;
import java.util.jar.Manifest;

/** Reads the capabilities a bundle declares in its manifest. */
public final class CapabilityDeclaration {
    /** Manifest header listing the declared capabilities, comma separated: {@code fs.read, net}. */
    public static final String HEADER = "Chrysalis-Capabilities";

    private CapabilityDeclaration() {
    }

    /** The declared set; empty when the header is absent or blank. */
    public static Set<Capability> fromManifest(Manifest manifest, String source) {
        String value = manifest.getMainAttributes().getValue(HEADER);
        return parse(value == null ? "" : value, source + " manifest header " + HEADER);
    }

    public static Set<Capability> parse(String value, String where) {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(Capability.parse(part, where));
            }
        }
        return Set.copyOf(out);
    }

    public static String format(Set<Capability> capabilities) {
        return String.join(", ", EnumSet.copyOf(capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : capabilities)
                .stream().map(Capability::id).toList());
    }

}
