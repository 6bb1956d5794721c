package dev.chrysalis.governance.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.capability.Capability;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilityGrantsTest {
    @Test
    void aBundleIsGrantedWhatItDeclaresWithinItsTierAndNothingOnceUninstalled() {
        var grants = new CapabilityGrants(PolicyReader.defaults());
        assertEquals(Set.of(Capability.FS_READ, Capability.NET),
                grants.install("dev.chrysalis.skill.fetch", Set.of(Capability.FS_READ, Capability.NET, Capability.PROCESS)),
                "verified skills may not start processes even when they declare it");
        assertTrue(grants.allows("dev.chrysalis.skill.fetch", Capability.NET));
        assertFalse(grants.allows("dev.chrysalis.skill.fetch", Capability.PROCESS));
        assertFalse(grants.allows("dev.chrysalis.skill.fetch", Capability.FS_WRITE), "not declared, not granted");
        assertFalse(grants.allows("org.example.unknown", Capability.FS_READ));
        grants.install("dev.chrysalis.skill.fetch", Set.of(Capability.FS_READ));
        assertFalse(grants.allows("dev.chrysalis.skill.fetch", Capability.NET), "a swap replaces the grant");
        grants.uninstall("dev.chrysalis.skill.fetch");
        assertEquals(Set.of(), grants.granted("dev.chrysalis.skill.fetch"));
    }
}
