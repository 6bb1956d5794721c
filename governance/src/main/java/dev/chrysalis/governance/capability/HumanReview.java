package dev.chrysalis.governance.capability;

import java.util.Arrays;
import java.util.Optional;

/** When a change to a bundle of some trust tier needs a person to approve it. */
public enum HumanReview {
    /** Every change. */
    ALWAYS("always"),
    /** Changes that add a declared or used capability. */
    ON_CAPABILITY_CHANGE("on-capability-change"),
    /** Never for the tier itself (the policy's other rules still apply). */
    NEVER("never");

    private final String id;

    HumanReview(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<HumanReview> byId(String id) {
        return Arrays.stream(values()).filter(h -> h.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
