package dev.chrysalis.sandbox.trial;

import java.util.Objects;

/**
 * What a bundle did with one skill call, observed rather than judged: no expectation is involved. Used to compare a
 * candidate with the live version on inputs nobody recorded an answer for.
 */
public sealed interface Behaviour {

    /** True when the call ended in a way no correct skill ends: an uncaught exception, a limit, a crash or a violation. */
    default boolean failed() {
        return this instanceof Threw || this instanceof Ended;
    }

    /** One line for journals and tables. */
    default String describe() {
        return switch (this) {
            case Returned r -> "returned " + clip(r.output());
            case Refused r -> "refused: " + clip(r.message());
            case Threw t -> "threw " + clip(t.message());
            case Ended e -> e.how().label() + ": " + clip(e.how().detail());
        };
    }

    /** The skill answered with this output (JSON text). */
    record Returned(String output) implements Behaviour {
        public Returned {
            Objects.requireNonNull(output, "output");
        }
    }

    /** The skill refused the input with a clear error, as skills do for bad input. */
    record Refused(String message) implements Behaviour {
        public Refused {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The skill let an exception escape. */
    record Threw(String message) implements Behaviour {
        public Threw {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The run ended without an answer: a timeout, a crash, a sandbox violation, or the bundle did not load. */
    record Ended(CaseVerdict how) implements Behaviour {
        public Ended {
            Objects.requireNonNull(how, "how");
        }
    }

    private static String clip(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }
}
