package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.Capability;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What each installed bundle may do at run time: what it declares, cut down to what its trust tier allows.
 * The host's guard asks {@link #allows} before letting a bundle's code through a guarded entry point, so
 * the live host enforces the same declarations the scan and the sandbox checked.
 */
public final class CapabilityGrants {
    private final Policy policy;
    private final Map<String, Set<Capability>> granted = new HashMap<>();

    public CapabilityGrants(Policy policy) {
        this.policy = policy;
    }

    /** Records (or replaces, after a swap) what {@code plugin} declares; returns what it is granted. */
    public synchronized Set<Capability> install(String plugin, Set<Capability> declared) {
        Set<Capability> g = EnumSet.noneOf(Capability.class);
        g.addAll(declared);
        g.retainAll(policy.ruleFor(policy.tierOf(plugin)).capabilities());
        Set<Capability> copy = Set.copyOf(g);
        granted.put(plugin, copy);
        return copy;
    }

    public synchronized void uninstall(String plugin) {
        granted.remove(plugin);
    }

    /** Nothing for a plugin that is not installed. */
    public synchronized Set<Capability> granted(String plugin) {
        return granted.getOrDefault(plugin, Set.of());
    }

    public boolean allows(String plugin, Capability capability) {
        return granted(plugin).contains(capability);
    }
}
