package dev.chrysalis.governance.promotion;

/** Where one call goes while a promotion is in progress. */
public sealed interface Route {

    /** The live version answers; nothing else happens. */
    record Live() implements Route {
    }

    /**
     * The live version answers the caller; a copy of the call also goes to the staged {@code candidate},
     * whose answer is only compared with the live one and never returned.
     */
    record Shadow(String candidate) implements Route {
    }

    /** The staged {@code candidate} answers this call (a canary call). */
    record Candidate(String candidate) implements Route {
    }
}
