package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.HumanReview;
import dev.chrysalis.governance.capability.TrustTier;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A promotion policy, as read from a policy file by {@link PolicyReader}.
 *
 * @param defaultTier             the tier of a plugin no {@code plugins} entry names
 * @param tiers                   what each tier may hold and when its changes need a person
 * @param pluginTiers             plugin pattern (exact symbolic name, or a prefix ending in {@code *}) -> tier
 * @param autoPromoteTiers        tiers whose candidates may be promoted without a person
 * @param autoPromotePlugins      plugin patterns that may be promoted without a person
 * @param alwaysHumanPlugins      plugin patterns whose every change needs a person
 * @param alwaysHumanCapabilities a candidate that declares any of these needs a person
 * @param limits                  the largest change that may go automatically
 * @param approvalTtl             how long a human approval stays valid
 * @param trialRequired           a candidate without a passing sandbox trial needs a person
 */
public record Policy(TrustTier defaultTier, Map<TrustTier, TierRule> tiers, Map<String, TrustTier> pluginTiers,
                     Set<TrustTier> autoPromoteTiers, List<String> autoPromotePlugins, List<String> alwaysHumanPlugins,
                     Set<Capability> alwaysHumanCapabilities, Limits limits, Duration approvalTtl, boolean trialRequired) {

    public Policy {
        Objects.requireNonNull(defaultTier, "defaultTier");
        tiers = Map.copyOf(tiers);
        for (TrustTier t : TrustTier.values()) {
            if (!tiers.containsKey(t)) {
                throw new IllegalArgumentException("policy has no rule for tier " + t);
            }
        }
        pluginTiers = Map.copyOf(pluginTiers);
        autoPromoteTiers = Set.copyOf(autoPromoteTiers);
        autoPromotePlugins = List.copyOf(autoPromotePlugins);
        alwaysHumanPlugins = List.copyOf(alwaysHumanPlugins);
        alwaysHumanCapabilities = Set.copyOf(alwaysHumanCapabilities);
        Objects.requireNonNull(limits, "limits");
        if (approvalTtl.isNegative() || approvalTtl.isZero()) {
            throw new IllegalArgumentException("approval time-to-live must be positive: " + approvalTtl);
        }
    }

    /** @param capabilities what a bundle of the tier may declare; @param review when its changes need a person */
    public record TierRule(Set<Capability> capabilities, HumanReview review) {
        public TierRule {
            capabilities = Set.copyOf(capabilities);
            Objects.requireNonNull(review, "review");
        }
    }

    /** @param maxLinesChanged source lines added plus removed; @param maxNewCapabilities capabilities added to the declaration */
    public record Limits(int maxLinesChanged, int maxNewCapabilities) {
        public Limits {
            if (maxLinesChanged < 0 || maxNewCapabilities < 0) {
                throw new IllegalArgumentException("limits must be >= 0: " + maxLinesChanged + ", " + maxNewCapabilities);
            }
        }
    }

    /** The tier of {@code plugin}: the most specific matching {@code plugins} entry, else the default tier. */
    public TrustTier tierOf(String plugin) {
        return pluginTiers.entrySet().stream()
                .filter(e -> matches(e.getKey(), plugin))
                .max(Comparator.comparingInt((Map.Entry<String, TrustTier> e) -> e.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(defaultTier);
    }

    public TierRule ruleFor(TrustTier tier) {
        return tiers.get(tier);
    }

    public static Optional<String> firstMatch(List<String> patterns, String plugin) {
        return patterns.stream().filter(p -> matches(p, plugin)).findFirst();
    }

    /** {@code pattern} is an exact name, {@code *}, or a prefix ending in {@code *}. */
    public static boolean matches(String pattern, String plugin) {
        return pattern.endsWith("*") ? plugin.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(plugin);
    }
}
