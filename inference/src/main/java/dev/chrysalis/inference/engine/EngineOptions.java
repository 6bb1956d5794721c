package dev.chrysalis.inference.engine;

import dev.chrysalis.inference.model.KvCacheType;

/**
 * How a model is loaded and run.
 *
 * @param threads       compute threads (the caller's thread included); 0 = one per available core
 * @param contextLength positions per session; 0 = the model's trained context, capped at 4096
 * @param kvCacheType   KV cache storage (F32 exact; F16 and Q8_0 save memory at a small logit cost)
 * @param batchSize     prefill chunk: tokens computed together (weights are read once per chunk)
 * @param prefault      read the whole file once at load so the first tokens do not wait on disk
 * @param progress      receives load progress in [0, 1]
 * @param device        where the forward pass runs (AUTO: a CUDA GPU of compute capability 8.0+ when present)
 * @param exactActivations on the CPU, keep activations in float32 in every product, so logits match a float
 *                      reference to rounding; false (default) multiplies Q4_0, Q4_K, Q6_K and Q8_0 weights with activations
 *                      quantized to Q8 as llama.cpp does, several times faster at ~0.4% error per product
 */
public record EngineOptions(int threads, int contextLength, KvCacheType kvCacheType, int batchSize, boolean prefault,
                            LoadProgress progress, Device device, boolean exactActivations) {

    /** Load progress callback. */
    @FunctionalInterface
    public interface LoadProgress {
        void onProgress(double fraction);

        LoadProgress NONE = f -> { };
    }

    public EngineOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, was " + threads);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0, was " + contextLength);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch size must be in 1..4096, was " + batchSize);
        }
        if (kvCacheType == null || progress == null || device == null) {
            throw new IllegalArgumentException("kvCacheType, progress and device are required");
        }
    }

    /**
     * Prefill chunks of 264 tokens, 44 of the tiled kernels' six-token panels (128 left two four-token panels, which
     * run a fifth slower a token), each weight tile unpacked half as often as with 132. 528-token prefill, 2 threads,
     * one engine, chunks of 264 against 132 alternating: TinyLlama Q4_0 1.048x, Llama-3.2-1B Q4_0 1.053x (medians
     * of 8 rounds); 516 was no faster than 264. A chunk's scratch grows with it, about 100 KiB a token for 1B models.
     */
    private static final int DEFAULT_BATCH = 264;

    public static EngineOptions defaults() {
        return new EngineOptions(0, 0, KvCacheType.F32, DEFAULT_BATCH, false, LoadProgress.NONE, Device.AUTO, false);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, contextLength, kvCacheType, batchSize, prefault, progress, device, exactActivations);
    }

    public EngineOptions withContextLength(int n) {
        return new EngineOptions(threads, n, kvCacheType, batchSize, prefault, progress, device, exactActivations);
    }

    public EngineOptions withKvCacheType(KvCacheType t) {
        return new EngineOptions(threads, contextLength, t, batchSize, prefault, progress, device, exactActivations);
    }

    public EngineOptions withBatchSize(int n) {
        return new EngineOptions(threads, contextLength, kvCacheType, n, prefault, progress, device, exactActivations);
    }

    public EngineOptions withPrefault(boolean p) {
        return new EngineOptions(threads, contextLength, kvCacheType, batchSize, p, progress, device, exactActivations);
    }

    public EngineOptions withProgress(LoadProgress p) {
        return new EngineOptions(threads, contextLength, kvCacheType, batchSize, prefault, p, device, exactActivations);
    }

    public EngineOptions withDevice(Device d) {
        return new EngineOptions(threads, contextLength, kvCacheType, batchSize, prefault, progress, d, exactActivations);
    }

    public EngineOptions withExactActivations(boolean exact) {
        return new EngineOptions(threads, contextLength, kvCacheType, batchSize, prefault, progress, device, exact);
    }

    /** Threads actually used. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
