package dev.chrysalis.governance.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.HumanReview;
import dev.chrysalis.governance.capability.TrustTier;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyReaderTest {

    @Test
    void shippedDefaultPolicyReadsAndMapsSkillsToVerified() {
        Policy p = PolicyReader.defaults();
        assertEquals(TrustTier.COMMUNITY, p.defaultTier());
        assertEquals(TrustTier.VERIFIED, p.tierOf("dev.chrysalis.skill.calculator"));
        assertEquals(TrustTier.CORE, p.tierOf("dev.chrysalis.harness.harness-hook-redact-secrets"));
        assertEquals(java.util.List.of("dev.chrysalis.harness.harness-hook-redact-secrets"), p.alwaysHumanPlugins());
        assertEquals(TrustTier.COMMUNITY, p.tierOf("org.example.thing"));
        assertEquals(200, p.limits().maxLinesChanged());
        assertEquals(Duration.ofHours(24), p.approvalTtl());
        assertEquals(HumanReview.ON_CAPABILITY_CHANGE, p.ruleFor(TrustTier.VERIFIED).review());
    }

    @Test
    void aPolicyFileOverridesOnlyWhatItSaysWithBlockAndInlineListsCommentsAndQuotes() {
        Policy p = PolicyReader.parse("""
                # mine
                default-tier: untrusted   # strict
                plugins:
                  "org.example.calc":
                    tier: verified
                auto-promote:
                  plugins:
                    - org.example.*
                    - dev.chrysalis.skill.echo
                tiers:
                  community:
                    capabilities: [fs.read]
                limits:
                  max-lines-changed: 40
                approval:
                  expires-after: 30m
                """, "mine.yaml");
        assertEquals(TrustTier.UNTRUSTED, p.defaultTier());
        assertEquals(TrustTier.VERIFIED, p.tierOf("org.example.calc"));
        assertEquals(List.of("org.example.*", "dev.chrysalis.skill.echo"), p.autoPromotePlugins());
        assertEquals(Set.of(Capability.FS_READ), p.ruleFor(TrustTier.COMMUNITY).capabilities());
        assertEquals(HumanReview.ALWAYS, p.ruleFor(TrustTier.COMMUNITY).review());
        assertEquals(40, p.limits().maxLinesChanged());
        assertEquals(0, p.limits().maxNewCapabilities());
        assertEquals(Duration.ofMinutes(30), p.approvalTtl());
    }

    private static String errorOf(String text) {
        return assertThrows(PolicyFormatException.class, () -> PolicyReader.parse(text, "p.yaml")).getMessage();
    }

    @Test
    void errorsNameTheFileLineAndKey() {
        assertEquals("p.yaml line 3: key 'limits.max-lines-changed': expected a whole number >= 0, got 'many'",
                errorOf("default-tier: core\nlimits:\n  max-lines-changed: many\n"));
        assertEquals("p.yaml line 3: key 'tiers.verified.capabilites': unknown key (expected one of: capabilities, review)",
                errorOf("tiers:\n  verified:\n    capabilites: [net]\n"));
        assertTrue(errorOf("always-human:\n  capabilities: [net, telepathy]\n")
                .startsWith("p.yaml line 2: key 'always-human.capabilities': unknown capability 'telepathy'"));
        assertEquals("p.yaml line 1: key 'default-tier': unknown trust tier 'gold' (known: untrusted, community, verified, core)",
                errorOf("default-tier: gold\n"));
        assertEquals("p.yaml line 2: key 'limits' repeats the one on line 1", errorOf("limits:\nlimits:\n"));
        assertEquals("p.yaml line 2: indent with spaces, not tabs", errorOf("limits:\n\tmax-lines-changed: 3\n"));
        assertEquals("p.yaml line 2: key 'approval.expires-after': expected a positive duration like 30m, 24h or 7d, got 'soon'",
                errorOf("approval:\n  expires-after: soon\n"));
        assertEquals("p.yaml line 1: key 'colour': unknown key (expected one of: default-tier, tiers, plugins, auto-promote, always-human, limits, approval, trial)",
                errorOf("colour: blue\n"));
    }
}
