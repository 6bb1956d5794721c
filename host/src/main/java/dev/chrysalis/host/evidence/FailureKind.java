package dev.chrysalis.host.evidence;

/** Why a turn became evidence. */
public enum FailureKind {
    /** A skill reported an error for its input (it returned a failure rather than an answer). */
    SKILL_ERROR,
    /** Something threw: a skill, a hook, the brain or the router. */
    EXCEPTION,
    /** A skill or the brain ran past its time limit. */
    TIMEOUT,
    /** Replaying the turn's recorded calls gave different outputs. */
    REPLAY_MISMATCH,
    /** A person said the answer was wrong ({@code /bad WHY}). */
    USER_FLAG,
    /** The capability guard refused a plugin something its manifest did not declare (a socket, a file, ...). */
    VIOLATION;

    /** Parses a stored or typed kind, case-insensitively; the error names the accepted kinds. */
    public static FailureKind parse(String text) {
        for (FailureKind k : values()) {
            if (k.name().equalsIgnoreCase(text.strip().replace('-', '_'))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown failure kind '" + text + "': expected one of "
                + java.util.Arrays.toString(values()));
    }
}
