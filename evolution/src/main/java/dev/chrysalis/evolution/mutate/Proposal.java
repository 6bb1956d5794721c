package dev.chrysalis.evolution.mutate;

import java.util.Objects;

/** What a mutator offers for one candidate: a rewrite to compile and try, or why it could not make one. */
public sealed interface Proposal {
    /**
     * A rewrite of the plugin's sources, to be compiled, packaged and tried.
     *
     * @param log what the mutator wants kept with the candidate in the journal (a model's answer, an agent's
     *            captured output); empty for none
     */
    record Rewrite(Mutation mutation, String log) implements Proposal {
        public Rewrite {
            Objects.requireNonNull(mutation, "mutation");
            Objects.requireNonNull(log, "log");
        }

        public Rewrite(Mutation mutation) {
            this(mutation, "");
        }
    }

    /**
     * No candidate: the mutator's output could not become a rewrite (an edit that does not match, a file
     * outside the plugin, a command that failed or timed out). The loop journals the reason.
     *
     * @param mutator  the mutator's name
     * @param reason   one line for people saying what was wrong
     * @param operator the operator the attempt counts against in the per-plugin statistics
     */
    record Rejected(String mutator, Operator operator, String reason) implements Proposal {
        public Rejected {
            Objects.requireNonNull(mutator, "mutator");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
