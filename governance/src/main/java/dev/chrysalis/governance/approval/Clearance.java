package dev.chrysalis.governance.approval;

/** Whether an artifact may be promoted now, and on whose word. */
public sealed interface Clearance {

    default boolean cleared() {
        return this instanceof Cleared;
    }

    String explanation();

    /** @param by the approver's name, or {@code policy} for an automatic promotion */
    record Cleared(String plugin, String digest, String by) implements Clearance {
        @Override
        public String explanation() {
            return plugin + "@" + digest + " cleared by " + by;
        }
    }

    record NotCleared(String explanation) implements Clearance {
    }
}
