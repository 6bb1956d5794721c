package dev.chrysalis.sandbox.trial;

import dev.chrysalis.sandbox.guard.Rule;
import java.util.ArrayList;
import java.util.List;

/** The verdict on a candidate: pass, fail, flaky or unsafe (in that order of gravity, least first). */
public sealed interface TrialVerdict {

    String label();

    record Pass() implements TrialVerdict {
        public String label() {
            return "pass";
        }
    }

    record Fail(List<String> failedCases) implements TrialVerdict {
        public Fail {
            failedCases = List.copyOf(failedCases);
        }

        public String label() {
            return "fail";
        }
    }

    record Flaky(List<String> flakyCases) implements TrialVerdict {
        public Flaky {
            flakyCases = List.copyOf(flakyCases);
        }

        public String label() {
            return "flaky";
        }
    }

    record Unsafe(Rule rule, String caseId, String where) implements TrialVerdict {
        public String label() {
            return "unsafe";
        }
    }

    static TrialVerdict of(List<CaseReport> cases) {
        for (CaseReport c : cases) {
            for (CaseVerdict v : c.runs()) {
                if (v instanceof CaseVerdict.Violation violation) {
                    return new Unsafe(violation.rule(), c.caseId(), violation.where());
                }
            }
        }
        List<String> flaky = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (CaseReport c : cases) {
            if (c.flaky()) {
                flaky.add(c.caseId());
            } else if (!c.passed()) {
                failed.add(c.caseId());
            }
        }
        if (!flaky.isEmpty()) {
            return new Flaky(flaky);
        }
        return failed.isEmpty() ? new Pass() : new Fail(failed);
    }
}
