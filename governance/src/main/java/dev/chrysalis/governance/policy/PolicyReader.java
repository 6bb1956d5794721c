package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.HumanReview;
import dev.chrysalis.governance.capability.TrustTier;
import dev.chrysalis.governance.capability.UnknownCapabilityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads policy files. Unknown keys, wrong types and unknown names are errors that name the file, the line
 * and the key ({@code policy.yaml line 7: key 'limits.max-lines-changed': expected a whole number >= 0, got 'many'}).
 * Anything the file leaves out takes the value of the shipped default policy ({@code default-policy.yaml}).
 */
public final class PolicyReader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private PolicyReader() {
    }

    /** The policy Chrysalis ships with (the resource {@code default-policy.yaml}, which documents every key). */
    public static Policy defaults() {
        try (InputStream in = PolicyReader.class.getResourceAsStream("default-policy.yaml")) {
            if (in == null) {
                throw new IllegalStateException("default-policy.yaml is missing from the governance jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default-policy.yaml", null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read default-policy.yaml", e);
        }
    }

    public static Policy read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new PolicyFormatException("cannot read policy file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static Policy parse(String text, String source) {
        return parse(text, source, defaults());
    }

    private static Policy parse(String text, String source, Policy base) {
        PolicyTree.Mapping root = PolicyTree.parse(text, source);
        var r = new Reader(source);
        r.onlyKeys(root, "", "default-tier", "tiers", "plugins", "auto-promote", "always-human", "limits", "approval", "trial");

        TrustTier defaultTier = root.entries().containsKey("default-tier")
                ? r.tier(r.scalar(root, "default-tier", "default-tier"), "default-tier")
                : required(base, "default-tier", source).defaultTier();

        Map<TrustTier, Policy.TierRule> tiers = new EnumMap<>(TrustTier.class);
        for (TrustTier t : TrustTier.values()) {
            tiers.put(t, base != null ? base.ruleFor(t) : new Policy.TierRule(t.defaultCapabilities(), t.defaultReview()));
        }
        r.mapping(root, "tiers").ifPresent(m -> m.entries().forEach((name, node) -> {
            String path = "tiers." + name;
            TrustTier tier = r.tier(new PolicyTree.Scalar(name, m.keyLines().get(name)), path);
            PolicyTree.Mapping tm = r.asMapping(node, path);
            r.onlyKeys(tm, path, "capabilities", "review");
            Policy.TierRule old = tiers.get(tier);
            Set<Capability> caps = tm.entries().containsKey("capabilities")
                    ? r.capabilities(tm.entries().get("capabilities"), path + ".capabilities") : old.capabilities();
            HumanReview review = tm.entries().containsKey("review")
                    ? r.review(r.scalar(tm, "review", path + ".review"), path + ".review") : old.review();
            tiers.put(tier, new Policy.TierRule(caps, review));
        }));

        Map<String, TrustTier> pluginTiers = new LinkedHashMap<>(base != null ? base.pluginTiers() : Map.of());
        r.mapping(root, "plugins").ifPresent(m -> m.entries().forEach((name, node) -> {
            String path = "plugins." + name;
            PolicyTree.Mapping pm = r.asMapping(node, path);
            r.onlyKeys(pm, path, "tier");
            pluginTiers.put(name, r.tier(r.scalar(pm, "tier", path + ".tier"), path + ".tier"));
        }));

        Set<TrustTier> autoTiers = EnumSet.noneOf(TrustTier.class);
        List<String> autoPlugins = new ArrayList<>();
        if (base != null) {
            autoTiers.addAll(base.autoPromoteTiers());
            autoPlugins.addAll(base.autoPromotePlugins());
        }
        r.mapping(root, "auto-promote").ifPresent(m -> {
            r.onlyKeys(m, "auto-promote", "tiers", "plugins");
            if (m.entries().containsKey("tiers")) {
                autoTiers.clear();
                for (PolicyTree.Scalar s : r.list(m.entries().get("tiers"), "auto-promote.tiers")) {
                    autoTiers.add(r.tier(s, "auto-promote.tiers"));
                }
            }
            if (m.entries().containsKey("plugins")) {
                autoPlugins.clear();
                r.list(m.entries().get("plugins"), "auto-promote.plugins").forEach(s -> autoPlugins.add(s.text()));
            }
        });

        List<String> humanPlugins = new ArrayList<>(base != null ? base.alwaysHumanPlugins() : List.of());
        Set<Capability> humanCaps = EnumSet.noneOf(Capability.class);
        if (base != null) {
            humanCaps.addAll(base.alwaysHumanCapabilities());
        }
        r.mapping(root, "always-human").ifPresent(m -> {
            r.onlyKeys(m, "always-human", "plugins", "capabilities");
            if (m.entries().containsKey("plugins")) {
                humanPlugins.clear();
                r.list(m.entries().get("plugins"), "always-human.plugins").forEach(s -> humanPlugins.add(s.text()));
            }
            if (m.entries().containsKey("capabilities")) {
                humanCaps.clear();
                humanCaps.addAll(r.capabilities(m.entries().get("capabilities"), "always-human.capabilities"));
            }
        });

        Policy.Limits limits = base != null ? base.limits() : null;
        var limitsNode = r.mapping(root, "limits");
        if (limitsNode.isPresent()) {
            PolicyTree.Mapping m = limitsNode.get();
            r.onlyKeys(m, "limits", "max-lines-changed", "max-new-capabilities");
            int lines = m.entries().containsKey("max-lines-changed")
                    ? r.count(r.scalar(m, "max-lines-changed", "limits.max-lines-changed"), "limits.max-lines-changed")
                    : required(limits, "limits.max-lines-changed", source).maxLinesChanged();
            int caps = m.entries().containsKey("max-new-capabilities")
                    ? r.count(r.scalar(m, "max-new-capabilities", "limits.max-new-capabilities"), "limits.max-new-capabilities")
                    : required(limits, "limits.max-new-capabilities", source).maxNewCapabilities();
            limits = new Policy.Limits(lines, caps);
        }
        required(limits, "limits", source);

        Duration ttl = base != null ? base.approvalTtl() : null;
        var approval = r.mapping(root, "approval");
        if (approval.isPresent()) {
            r.onlyKeys(approval.get(), "approval", "expires-after");
            if (approval.get().entries().containsKey("expires-after")) {
                ttl = r.duration(r.scalar(approval.get(), "expires-after", "approval.expires-after"), "approval.expires-after");
            }
        }
        required(ttl, "approval.expires-after", source);
        Boolean trialRequired = base != null ? base.trialRequired() : null;
        var trial = r.mapping(root, "trial");
        if (trial.isPresent()) {
            r.onlyKeys(trial.get(), "trial", "required");
            if (trial.get().entries().containsKey("required")) {
                trialRequired = r.bool(r.scalar(trial.get(), "required", "trial.required"), "trial.required");
            }
        }
        required(trialRequired, "trial.required", source);
        return new Policy(defaultTier, tiers, pluginTiers, autoTiers, autoPlugins, humanPlugins, humanCaps, limits, ttl, trialRequired);
    }

    private static <T> T required(T value, String key, String source) {
        if (value == null) {
            throw new PolicyFormatException(source + ": missing key '" + key + "'");
        }
        return value;
    }

    /** Typed access to tree nodes with errors naming line and key. */
    private record Reader(String source) {
        PolicyFormatException error(int line, String key, String problem) {
            return new PolicyFormatException(source + " line " + line + ": key '" + key + "': " + problem);
        }

        void onlyKeys(PolicyTree.Mapping m, String path, String... allowed) {
            List<String> ok = Arrays.asList(allowed);
            for (String key : m.entries().keySet()) {
                if (!ok.contains(key)) {
                    throw error(m.keyLines().get(key), path.isEmpty() ? key : path + "." + key,
                            "unknown key (expected one of: " + String.join(", ", allowed) + ")");
                }
            }
        }

        java.util.Optional<PolicyTree.Mapping> mapping(PolicyTree.Mapping parent, String key) {
            PolicyTree node = parent.entries().get(key);
            return node == null ? java.util.Optional.empty() : java.util.Optional.of(asMapping(node, key));
        }

        PolicyTree.Mapping asMapping(PolicyTree node, String key) {
            if (node instanceof PolicyTree.Mapping m) {
                return m;
            }
            throw error(node.line(), key, "expected nested 'key: value' lines, got " + describe(node));
        }

        PolicyTree.Scalar scalar(PolicyTree.Mapping parent, String key, String path) {
            PolicyTree node = parent.entries().get(key);
            if (node instanceof PolicyTree.Scalar s) {
                return s;
            }
            throw error(node == null ? parent.line() : node.line(), path, "expected a single value, got " + describe(node));
        }

        List<PolicyTree.Scalar> list(PolicyTree node, String path) {
            return switch (node) {
                case PolicyTree.Sequence s -> s.items();
                case PolicyTree.Scalar s -> List.of(s);
                case PolicyTree.Mapping m when m.entries().isEmpty() -> List.of();
                case PolicyTree.Mapping m -> throw error(m.line(), path, "expected a list, got nested keys");
            };
        }

        Set<Capability> capabilities(PolicyTree node, String path) {
            Set<Capability> out = EnumSet.noneOf(Capability.class);
            for (PolicyTree.Scalar s : list(node, path)) {
                try {
                    out.add(Capability.parse(s.text(), source + " line " + s.line() + ": key '" + path + "'"));
                } catch (UnknownCapabilityException e) {
                    throw new PolicyFormatException(e.getMessage());
                }
            }
            return out;
        }

        TrustTier tier(PolicyTree.Scalar s, String path) {
            return TrustTier.byId(s.text()).orElseThrow(() -> error(s.line(), path, "unknown trust tier '" + s.text()
                    + "' (known: " + String.join(", ", Arrays.stream(TrustTier.values()).map(TrustTier::id).toList()) + ")"));
        }

        HumanReview review(PolicyTree.Scalar s, String path) {
            return HumanReview.byId(s.text()).orElseThrow(() -> error(s.line(), path, "unknown review rule '" + s.text()
                    + "' (known: " + String.join(", ", Arrays.stream(HumanReview.values()).map(HumanReview::id).toList()) + ")"));
        }

        int count(PolicyTree.Scalar s, String path) {
            try {
                int v = Integer.parseInt(s.text());
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw error(s.line(), path, "expected a whole number >= 0, got '" + s.text() + "'");
        }

        boolean bool(PolicyTree.Scalar s, String path) {
            return switch (s.text()) {
                case "true", "yes" -> true;
                case "false", "no" -> false;
                default -> throw error(s.line(), path, "expected true or false, got '" + s.text() + "'");
            };
        }

        Duration duration(PolicyTree.Scalar s, String path) {
            Matcher m = DURATION.matcher(s.text());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw error(s.line(), path, "expected a positive duration like 30m, 24h or 7d, got '" + s.text() + "'");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }

        private static String describe(PolicyTree node) {
            return switch (node) {
                case null -> "nothing";
                case PolicyTree.Scalar s -> "'" + s.text() + "'";
                case PolicyTree.Sequence s -> "a list";
                case PolicyTree.Mapping m -> "nested keys";
            };
        }
    }
}
