package dev.chrysalis.governance.approval;

import java.util.Arrays;
import java.util.Optional;

/** Where a submitted candidate stands between the policy decision and the end of its promotion. */
public enum CandidateStatus {
    /** The policy wants a person; waiting for approve or reject. */
    PENDING,
    /** The policy allowed it without a person. */
    AUTO_APPROVED,
    /** A person approved it. */
    APPROVED,
    /** A person rejected it. */
    REJECTED,
    /** The policy refused it (unsafe). */
    REFUSED,
    /** Its promotion is under way. */
    PROMOTING,
    /** It is live and passed probation. */
    PROMOTED,
    /** Its promotion failed and the last good version is live again. */
    ROLLED_BACK;

    public String id() {
        return name().toLowerCase().replace('_', '-');
    }

    public static Optional<CandidateStatus> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst();
    }
}
