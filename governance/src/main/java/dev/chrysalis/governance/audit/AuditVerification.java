package dev.chrysalis.governance.audit;

import java.util.List;

/** The result of checking the audit chain. */
public sealed interface AuditVerification {

    long rows();

    /** Every row is where it was written, unchanged, and none is missing. */
    record Intact(long rows, String headHash) implements AuditVerification {
    }

    /** The chain is broken; each problem names a row and what is wrong with it. */
    record Broken(long rows, List<Problem> problems) implements AuditVerification {
        public Broken {
            problems = List.copyOf(problems);
        }
    }

    /** @param rowId the row where the problem shows; @param what which check failed and what it means */
    record Problem(long rowId, String what) {
        @Override
        public String toString() {
            return "row " + rowId + ": " + what;
        }
    }
}
