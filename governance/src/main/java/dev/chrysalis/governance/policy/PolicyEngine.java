package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.CapabilityCheck;
import dev.chrysalis.governance.capability.CapabilityDeclaration;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.TrustTier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Applies a {@link Policy} to a {@link Candidate}: refuse, ask a person, or promote automatically, and why. */
public final class PolicyEngine {
    private final Policy policy;

    public PolicyEngine(Policy policy) {
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    private static String trialSummary(TrialReport t) {
        return t.cases().size() + " cases, " + t.failedCases() + " not passing"
                + t.cases().stream().filter(x -> !x.passed()).limit(3).map(x -> "; " + x.id() + " " + x.outcome()
                + (x.detail().isEmpty() ? "" : " (" + x.detail() + ")")).reduce("", String::concat);
    }

    /** The reviewer's view of the same facts the decision uses: what makes this change risky. */
    public Risk assess(Candidate c) {
        TrustTier tier = policy.tierOf(c.plugin());
        List<String> high = new ArrayList<>();
        List<String> medium = new ArrayList<>();
        if (CapabilityCheck.check(c.scan(), c.declared(), policy.ruleFor(tier).capabilities()) instanceof CapabilityVerdict.Unsafe) {
            high.add("capability use outside its declaration or tier");
        }
        Set<Capability> added = c.newCapabilities();
        Set<Capability> sensitive = EnumSet.noneOf(Capability.class);
        added.stream().filter(policy.alwaysHumanCapabilities()::contains).forEach(sensitive::add);
        if (!sensitive.isEmpty()) {
            high.add("adds " + CapabilityDeclaration.format(sensitive));
        }
        if (added.size() > sensitive.size()) {
            Set<Capability> rest = EnumSet.noneOf(Capability.class);
            rest.addAll(added);
            rest.removeAll(sensitive);
            medium.add("adds " + CapabilityDeclaration.format(rest));
        }
        c.trial().ifPresentOrElse(t -> {
            switch (t.verdict()) {
                case UNSAFE, FAIL -> high.add("trial " + t.verdict().id() + " (" + t.failedCases() + " of " + t.cases().size() + " cases)");
                case FLAKY -> medium.add("trial flaky (" + t.failedCases() + " of " + t.cases().size() + " cases)");
                case PASS -> {
                }
            }
        }, () -> medium.add("not tried in the sandbox"));
        if (c.change().linesChanged().isEmpty()) {
            medium.add("change size unknown (no sources)");
        } else if (c.change().linesChanged().getAsInt() > policy.limits().maxLinesChanged()) {
            medium.add(c.change().linesChanged().getAsInt() + " lines changed (limit " + policy.limits().maxLinesChanged() + ")");
        }
        if (c.baseline().isEmpty()) {
            medium.add("first install");
        }
        if (tier == TrustTier.CORE) {
            medium.add("core plugin");
        } else if (tier == TrustTier.UNTRUSTED) {
            medium.add("untrusted origin");
        }
        List<String> factors = new ArrayList<>(high);
        factors.addAll(medium);
        Risk.Level level = !high.isEmpty() ? Risk.Level.HIGH : !medium.isEmpty() ? Risk.Level.MEDIUM : Risk.Level.LOW;
        return new Risk(level, factors);
    }

    public Decision decide(Candidate c) {
        TrustTier tier = policy.tierOf(c.plugin());
        Policy.TierRule rule = policy.ruleFor(tier);
        List<String> passed = new ArrayList<>();
        passed.add("[tier] " + c.plugin() + " is " + tier.id() + "; the tier allows {"
                + CapabilityDeclaration.format(rule.capabilities()) + "}");

        CapabilityVerdict verdict = CapabilityCheck.check(c.scan(), c.declared(), rule.capabilities());
        if (verdict instanceof CapabilityVerdict.Unsafe unsafe) {
            List<String> reasons = new ArrayList<>(passed);
            unsafe.reasons().forEach(r -> reasons.add("[capabilities] " + r));
            return new Decision.Refused(c.plugin(), c.digest(), reasons);
        }
        if (c.trial().isPresent() && c.trial().get().verdict() == TrialReport.Verdict.UNSAFE) {
            List<String> reasons = new ArrayList<>(passed);
            reasons.add("[trial] the sandbox judged it unsafe: " + trialSummary(c.trial().get()));
            return new Decision.Refused(c.plugin(), c.digest(), reasons);
        }
        passed.add("[capabilities] declares {" + CapabilityDeclaration.format(c.declared()) + "}, code uses {"
                + CapabilityDeclaration.format(c.scan().usedCapabilities()) + "}: nothing undeclared ("
                + c.scan().classesScanned() + " classes scanned)");

        List<String> human = new ArrayList<>();
        Policy.firstMatch(policy.alwaysHumanPlugins(), c.plugin()).ifPresent(p ->
                human.add("[always-human.plugins] " + c.plugin() + " matches '" + p + "'"));
        Set<Capability> sensitive = EnumSet.noneOf(Capability.class);
        c.declared().stream().filter(policy.alwaysHumanCapabilities()::contains).forEach(sensitive::add);
        if (!sensitive.isEmpty()) {
            human.add("[always-human.capabilities] declares " + CapabilityDeclaration.format(sensitive));
        }
        Set<Capability> added = c.newCapabilities();
        switch (rule.review()) {
            case ALWAYS -> human.add("[tiers." + tier.id() + ".review] always: every change to a " + tier.id() + " plugin needs a person");
            case ON_CAPABILITY_CHANGE -> {
                if (!added.isEmpty()) {
                    human.add("[tiers." + tier.id() + ".review] on-capability-change: adds " + CapabilityDeclaration.format(added));
                } else {
                    passed.add("[tiers." + tier.id() + ".review] on-capability-change: no capability added");
                }
            }
            case NEVER -> passed.add("[tiers." + tier.id() + ".review] never");
        }
        if (c.trial().isEmpty()) {
            (policy.trialRequired() ? human : passed).add("[trial.required] " + (policy.trialRequired()
                    ? "no sandbox trial results: a candidate that was not tried needs a person" : "false: no trial results supplied"));
        } else if (c.trial().get().verdict() != TrialReport.Verdict.PASS) {
            human.add("[trial] verdict " + c.trial().get().verdict().id() + ": " + trialSummary(c.trial().get()));
        } else {
            passed.add("[trial] pass: " + trialSummary(c.trial().get()));
        }
        if (c.baseline().isEmpty()) {
            human.add("[baseline] no live version to compare with: a first install needs a person");
        }
        boolean autoTier = policy.autoPromoteTiers().contains(tier);
        var autoPlugin = Policy.firstMatch(policy.autoPromotePlugins(), c.plugin());
        if (autoTier || autoPlugin.isPresent()) {
            passed.add("[auto-promote] " + (autoTier ? "tier " + tier.id() + " may auto-promote"
                    : "plugin matches '" + autoPlugin.get() + "'"));
        } else {
            human.add("[auto-promote] neither tier " + tier.id() + " nor plugin " + c.plugin() + " is listed");
        }
        if (c.change().linesChanged().isEmpty()) {
            human.add("[limits.max-lines-changed] the jars carry no sources, so the change size is unknown ("
                    + c.change().classesChanged() + " classes differ)");
        } else {
            int lines = c.change().linesChanged().getAsInt();
            if (lines > policy.limits().maxLinesChanged()) {
                human.add("[limits.max-lines-changed] " + lines + " lines changed, more than " + policy.limits().maxLinesChanged());
            } else {
                passed.add("[limits.max-lines-changed] " + lines + " lines changed, within " + policy.limits().maxLinesChanged());
            }
        }
        if (added.size() > policy.limits().maxNewCapabilities()) {
            human.add("[limits.max-new-capabilities] " + added.size() + " new (" + CapabilityDeclaration.format(added)
                    + "), more than " + policy.limits().maxNewCapabilities());
        }
        if (human.isEmpty()) {
            return new Decision.AutoPromote(c.plugin(), c.digest(), passed);
        }
        List<String> reasons = new ArrayList<>(human);
        reasons.addAll(passed);
        return new Decision.NeedsHuman(c.plugin(), c.digest(), reasons);
    }
}
