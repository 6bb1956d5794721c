package dev.chrysalis.inference.engine;

/** Why a generation ended. */
public enum StopReason {
    /** A stop token (end of sequence / end of turn) was generated. */
    STOP_TOKEN,
    /** {@code maxTokens} were generated. */
    MAX_TOKENS,
    /** A logits processor reported its constraint complete (e.g. the JSON value closed). */
    CONSTRAINT_COMPLETE,
    /** The session's context is full. */
    CONTEXT_FULL,
    /** {@link Session#cancel()} was called. */
    CANCELLED
}
