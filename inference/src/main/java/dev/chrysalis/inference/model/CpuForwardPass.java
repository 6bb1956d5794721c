package dev.chrysalis.inference.model;

import dev.chrysalis.inference.kernels.WorkerPool;

/** The CPU forward pass: the {@link Transformer} over heap {@link KvCache}s of one {@link KvCacheType}. */
public final class CpuForwardPass implements ForwardPass {

    /** A heap KV cache: the garbage collector frees it, so closing it only stops its use. */
    private record CpuSequence(KvCache cache) implements Sequence {

        @Override
        public int capacity() {
            return cache.capacity();
        }

        @Override
        public void close() {
            // heap arrays: nothing to free explicitly
        }
    }

    private final Transformer transformer;
    private final KvCacheType kvType;
    private final WorkerPool pool;

    public CpuForwardPass(Transformer transformer, KvCacheType kvType, WorkerPool pool) {
        this.transformer = transformer;
        this.kvType = kvType;
        this.pool = pool;
    }

    @Override
    public Sequence newSequence(int capacity) {
        return new CpuSequence(KvCache.create(kvType, transformer.config(), capacity));
    }

    @Override
    public int maxBatch() {
        return transformer.maxBatch();
    }

    @Override
    public float[] forward(Sequence seq, int[] tokens, int off, int n, int start, boolean allLogits) {
        return transformer.forward(cache(seq), tokens, off, n, start, allLogits);
    }

    @Override
    public void forwardWithoutLogits(Sequence seq, int[] tokens, int off, int n, int start) {
        transformer.forwardWithoutLogits(cache(seq), tokens, off, n, start);
    }

    private static KvCache cache(Sequence seq) {
        if (!(seq instanceof CpuSequence s)) {
            throw new IllegalArgumentException("sequence " + seq + " was not made by the CPU forward pass");
        }
        return s.cache();
    }

    @Override
    public String deviceName() {
        return "cpu, " + pool.threads() + " threads";
    }

    /** The pool belongs to the engine, which closes it. */
    @Override
    public void close() {
    }
}
