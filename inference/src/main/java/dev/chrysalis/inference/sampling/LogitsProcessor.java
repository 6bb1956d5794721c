package dev.chrysalis.inference.sampling;

/**
 * A stage between the model's logits and the sampler: masks or biases logits before a token is chosen
 * and learns which token was chosen. Constrained decoding (JSON Schema) and repetition penalties are
 * processors; the sampler applies them in order.
 */
public interface LogitsProcessor {

    /** Adjusts {@code logits} in place (a disallowed token gets {@link Float#NEGATIVE_INFINITY}). */
    void process(float[] logits);

    /** Informs the processor that {@code tokenId} was sampled and appended to the sequence. */
    void accept(int tokenId);

    /** True when the processor's constraint is complete and generation should stop (e.g. the JSON closed). */
    default boolean isComplete() {
        return false;
    }
}
