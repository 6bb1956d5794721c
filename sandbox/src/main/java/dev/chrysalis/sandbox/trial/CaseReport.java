package dev.chrysalis.sandbox.trial;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Every run of one case; flaky when the runs that ran disagree. */
public record CaseReport(String caseId, List<CaseVerdict> runs) {
    public CaseReport {
        Objects.requireNonNull(caseId, "caseId");
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("case '" + caseId + "' has no runs");
        }
    }

    public boolean flaky() {
        Set<String> keys = new HashSet<>();
        for (CaseVerdict v : runs) {
            if (!(v instanceof CaseVerdict.Skipped)) {
                keys.add(v.agreementKey());
            }
        }
        return keys.size() > 1;
    }

    /** The verdict that speaks for the case: a violation first, then any other non-pass run, else a pass. */
    public CaseVerdict outcome() {
        for (CaseVerdict v : runs) {
            if (v instanceof CaseVerdict.Violation) {
                return v;
            }
        }
        for (CaseVerdict v : runs) {
            if (!(v instanceof CaseVerdict.Pass) && !(v instanceof CaseVerdict.Skipped)) {
                return v;
            }
        }
        return runs.getFirst();
    }

    public boolean passed() {
        return !flaky() && outcome() instanceof CaseVerdict.Pass;
    }
}
