package dev.chrysalis.sandbox.turn;

/** Why a turn counts as failed. */
public enum FailureKind {
    /** The skill threw a {@code SkillException} (bad input, missing file, ...): an expected, explained failure. */
    SKILL_ERROR,
    /** The skill threw anything else (a bug): stored with its stack trace. */
    SKILL_EXCEPTION,
    /** The skill did not answer within its time limit; the call was abandoned. */
    SKILL_TIMEOUT,
    /** The brain asked for a skill that is not installed. */
    SKILL_NOT_FOUND,
    /** The router threw instead of deciding. */
    ROUTER_EXCEPTION,
    /** A hook threw or returned an invalid turn; the turn went on without that hook's change. */
    HOOK_EXCEPTION,
    /** The brain itself threw. */
    BRAIN_EXCEPTION
}
