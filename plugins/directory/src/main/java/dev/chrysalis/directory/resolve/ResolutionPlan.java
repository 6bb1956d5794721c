package dev.chrysalis.directory.resolve;

import java.util.ArrayList;
import java.util.List;

/**
 * What a resolver dry run found.
 *
 * @param install     bundles that would be installed or replaced ({@code id version})
 * @param remove      bundles that would be removed
 * @param refresh     installed bundles whose wiring changes and would be refreshed
 * @param wiring      how each import of the new bundle would be wired ({@code pkg [range] <- exporter version})
 * @param unsatisfied each requirement of the new bundle nobody satisfies, naming it and what is on offer
 * @param breaks      each import of another installed bundle the change would leave unsatisfied
 */
public record ResolutionPlan(List<String> install, List<String> remove, List<String> refresh, List<String> wiring,
                             List<String> unsatisfied, List<String> breaks) {
    public ResolutionPlan {
        install = List.copyOf(install);
        remove = List.copyOf(remove);
        refresh = List.copyOf(refresh);
        wiring = List.copyOf(wiring);
        unsatisfied = List.copyOf(unsatisfied);
        breaks = List.copyOf(breaks);
    }

    public boolean resolves() {
        return unsatisfied.isEmpty() && breaks.isEmpty();
    }

    /** Lines for a person: what would be installed, removed, refreshed, and what is missing. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        install.forEach(i -> out.add("install  " + i));
        remove.forEach(r -> out.add("remove   " + r));
        refresh.forEach(r -> out.add("refresh  " + r));
        wiring.forEach(w -> out.add("wire     " + w));
        unsatisfied.forEach(u -> out.add("MISSING  " + u));
        breaks.forEach(b -> out.add("BREAKS   " + b));
        return out;
    }
}
