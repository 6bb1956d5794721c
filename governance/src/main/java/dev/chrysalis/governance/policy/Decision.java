package dev.chrysalis.governance.policy;

import java.util.List;

/** What the policy says about a candidate, with every rule that led there. */
public sealed interface Decision {

    String plugin();

    String digest();

    /** One line per rule considered, e.g. {@code [limits.max-lines-changed] 412 lines changed, more than 200}. */
    List<String> reasons();

    default String explanation() {
        String head = switch (this) {
            case AutoPromote a -> "AUTO-PROMOTE";
            case NeedsHuman h -> "NEEDS HUMAN APPROVAL";
            case Refused r -> "REFUSED";
        };
        return head + ": " + plugin() + " " + digest() + "\n  - " + String.join("\n  - ", reasons());
    }

    /** Every rule passed: the candidate may go to promotion without a person. */
    record AutoPromote(String plugin, String digest, List<String> reasons) implements Decision {
        public AutoPromote {
            reasons = List.copyOf(reasons);
        }
    }

    /** The candidate is acceptable only if a person approves it; {@code reasons} lists what requires one. */
    record NeedsHuman(String plugin, String digest, List<String> reasons) implements Decision {
        public NeedsHuman {
            reasons = List.copyOf(reasons);
        }
    }

    /** The candidate must not run at all (undeclared capability use, beyond its tier, unscannable). */
    record Refused(String plugin, String digest, List<String> reasons) implements Decision {
        public Refused {
            reasons = List.copyOf(reasons);
        }
    }
}
