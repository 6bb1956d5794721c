package dev.chrysalis.inference.model;

import dev.chrysalis.inference.sampling.SamplingOptions;
import java.util.Optional;

/**
 * The forward pass of a loaded model on one device (the CPU {@link Transformer}, or the GPU one in
 * {@code dev.chrysalis.inference.gpu}), with the per-sequence state it keeps between calls (the KV
 * cache). The engine calls it from one thread at a time.
 */
public interface ForwardPass extends AutoCloseable {

    /** One sequence's state on the device: its KV cache of {@link #capacity()} positions. */
    interface Sequence extends AutoCloseable {

        int capacity();

        /** Frees the device memory the sequence holds; a closed sequence cannot be run again. */
        @Override
        void close();
    }

    /** A decode step whose next token is chosen where the logits are, so only the id comes back. */
    @FunctionalInterface
    interface DecodePicker {

        /**
         * Runs {@code token} at position {@code pos} of {@code seq} and returns the token chosen from its
         * logits; {@code uniform} in [0, 1) is the random number a non-greedy choice uses.
         */
        int step(Sequence seq, int token, int pos, double uniform);
    }

    /** A new sequence with an empty KV cache of {@code capacity} positions. */
    Sequence newSequence(int capacity);

    /** Largest number of tokens per {@link #forward} call. */
    int maxBatch();

    /**
     * Runs {@code n <= maxBatch} tokens {@code tokens[off..off+n)} at positions {@code start..start+n-1} of
     * {@code seq}, storing their keys and values. Returns the logits of the last token ({@code vocab}
     * floats), or of every token ({@code n * vocab}) when {@code allLogits}.
     */
    float[] forward(Sequence seq, int[] tokens, int off, int n, int start, boolean allLogits);

    /**
     * {@link #forward} for a prefill chunk whose logits nobody reads (any but a prompt's last): stores the
     * keys and values, and skips the output matrix where the pass can (the CPU and GPU passes do; 1.5% of a
     * Llama-3.2 prefill on the CPU, whose vocabulary is 128,256).
     */
    default void forwardWithoutLogits(Sequence seq, int[] tokens, int off, int n, int start) {
        forward(seq, tokens, off, n, start, false);
    }

    /**
     * A decode step that samples on the device with {@code sampling} (no logits processors involved), when
     * this device can; empty when the logits must come back to be sampled on the host.
     */
    default Optional<DecodePicker> decodePicker(SamplingOptions sampling) {
        return Optional.empty();
    }

    /** What the pass runs on, for logs and reports (e.g. "cpu, 8 threads", "cuda:0 NVIDIA H200"). */
    String deviceName();

    @Override
    void close();
}
