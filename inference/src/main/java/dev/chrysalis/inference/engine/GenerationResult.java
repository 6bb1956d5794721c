package dev.chrysalis.inference.engine;

/**
 * The outcome of one generation.
 *
 * @param tokens          generated token ids (stop token included when that is why it stopped)
 * @param promptTokens    prompt length
 * @param reusedTokens    prompt tokens whose KV came from the session's cache (not recomputed)
 * @param prefillNanos    time to process the new prompt tokens
 * @param firstTokenNanos time from the call to the first generated token (TTFT)
 * @param decodeNanos     time spent generating after the first token
 */
public record GenerationResult(int[] tokens, StopReason stopReason, int promptTokens, int reusedTokens,
                               long prefillNanos, long firstTokenNanos, long decodeNanos) {

    public GenerationResult {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Prompt tokens per second (new tokens only). */
    public double prefillTokensPerSecond() {
        int computed = promptTokens - reusedTokens;
        return prefillNanos == 0 ? 0 : computed * 1e9 / prefillNanos;
    }

    /** Generated tokens per second after the first one. */
    public double decodeTokensPerSecond() {
        return tokens.length <= 1 || decodeNanos == 0 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
    }
}
