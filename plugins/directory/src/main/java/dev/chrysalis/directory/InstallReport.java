package dev.chrysalis.directory;

import dev.chrysalis.directory.resolve.ResolutionPlan;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.TrustTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an install, upgrade or remove did (or, for a dry run, would do).
 *
 * @param action   {@code install}, {@code upgrade}, {@code downgrade} or {@code remove}
 * @param id       the bundle
 * @param from     the version installed before, if any
 * @param to       the version installed after, if any
 * @param tier     the trust tier it runs under (absent for remove)
 * @param verdict  the capability scan verdict (absent for remove)
 * @param trial    the sandbox trial's summary, when an untrusted bundle was trialled
 * @param applied  false for a dry run
 */
public record InstallReport(String action, String id, Optional<String> from, Optional<String> to, Optional<TrustTier> tier,
                            Optional<CapabilityVerdict> verdict, Optional<String> trial, ResolutionPlan plan,
                            boolean applied) {
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add((applied ? "" : "(dry run) ") + action + " " + id + from.map(f -> " " + f).orElse("")
                + to.map(t -> (from.isPresent() ? " -> " : " ") + t).orElse("")
                + tier.map(t -> " [tier " + t.id() + "]").orElse(""));
        verdict.ifPresent(v -> out.add("capability scan: safe, declares " + ids(v.declared()) + ", uses " + ids(v.used())));
        trial.ifPresent(t -> out.add("sandbox trial: " + t));
        plan.describe().forEach(l -> out.add("  " + l));
        return out;
    }

    private static String ids(java.util.Set<dev.chrysalis.governance.capability.Capability> caps) {
        return caps.isEmpty() ? "nothing" : String.join(", ", caps.stream().map(c -> c.id()).sorted().toList());
    }
}
