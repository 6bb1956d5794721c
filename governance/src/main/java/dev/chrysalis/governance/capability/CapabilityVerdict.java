package dev.chrysalis.governance.capability;

import java.util.List;
import java.util.Set;

/** Whether a bundle's code stays within what it declares and what its tier allows. */
public sealed interface CapabilityVerdict {

    Set<Capability> declared();

    Set<Capability> used();

    /** The code uses only declared capabilities, and the tier allows all declared ones. */
    record Safe(Set<Capability> declared, Set<Capability> used) implements CapabilityVerdict {
        public Safe {
            declared = Set.copyOf(declared);
            used = Set.copyOf(used);
        }
    }

    /**
     * The bundle must not run.
     *
     * @param undeclared    each use of a capability the manifest does not declare (class, method, reference)
     * @param beyondTier    declared capabilities the trust tier does not allow
     * @param unscannable   entries the scan could not read
     */
    record Unsafe(Set<Capability> declared, Set<Capability> used, List<CapabilityUse> undeclared,
                  Set<Capability> beyondTier, List<String> unscannable) implements CapabilityVerdict {
        public Unsafe {
            declared = Set.copyOf(declared);
            used = Set.copyOf(used);
            undeclared = List.copyOf(undeclared);
            beyondTier = Set.copyOf(beyondTier);
            unscannable = List.copyOf(unscannable);
        }

        /** One line per reason, each naming the class, method and reference or the capability and tier. */
        public List<String> reasons() {
            var out = new java.util.ArrayList<String>();
            for (CapabilityUse u : undeclared) {
                out.add("undeclared " + u.capability().id() + ": " + u.describe());
            }
            for (Capability c : beyondTier) {
                out.add("declares " + c.id() + ", which its trust tier does not allow");
            }
            for (String p : unscannable) {
                out.add("cannot scan " + p);
            }
            return out;
        }
    }
}
