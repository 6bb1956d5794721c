package dev.chrysalis.governance.policy;

import java.util.List;
import java.util.Objects;

/** How risky a candidate looks to a reviewer, and why: the highest level among its factors (low when none). */
public record Risk(Level level, List<String> factors) {
    public enum Level {
        LOW, MEDIUM, HIGH;

        public String id() {
            return name().toLowerCase();
        }
    }

    public Risk {
        Objects.requireNonNull(level, "level");
        factors = List.copyOf(factors);
    }

    public String summary() {
        return level.id() + (factors.isEmpty() ? "" : ": " + String.join("; ", factors));
    }
}
