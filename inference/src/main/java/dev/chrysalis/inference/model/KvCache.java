package dev.chrysalis.inference.model;

import dev.chrysalis.inference.kernels.VectorKernels;

/**
 * Keys and values of every layer for positions {@code 0..capacity-1}, stored in one of the
 * {@link KvCacheType} formats. Rows are {@code kvDim} wide; attention reads one head's slice at a time.
 */
public abstract sealed class KvCache permits KvCache.F32Cache, KvCache.F16Cache, KvCache.Q8Cache {

    protected final int layers;
    protected final int capacity;
    protected final int kvDim;
    protected final int headDim;

    KvCache(int layers, int capacity, int kvDim, int headDim) {
        this.layers = layers;
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.headDim = headDim;
    }

    public static KvCache create(KvCacheType type, ModelConfig c, int capacity) {
        return switch (type) {
            case F32 -> new F32Cache(c.layers(), capacity, c.kvDim(), c.headDim());
            case F16 -> new F16Cache(c.layers(), capacity, c.kvDim(), c.headDim());
            case Q8_0 -> {
                if (c.headDim() % 32 != 0) {
                    throw new IllegalArgumentException("KV cache q8_0 needs a head size that is a multiple of 32; this model's is "
                            + c.headDim() + " (use f32 or f16)");
                }
                yield new Q8Cache(c.layers(), capacity, c.kvDim(), c.headDim());
            }
        };
    }

    /** Bytes a cache of this type takes for {@code capacity} positions. */
    public static long bytes(KvCacheType type, ModelConfig c, int capacity) {
        return (long) Math.ceil(2.0 * c.layers() * (double) capacity * c.kvDim() * type.bytesPerValue());
    }

    /** Per attention thread, one head's row widened to float (the F16 and Q8_0 caches). */
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private float[] row() {
        float[] r = ROW.get();
        if (r.length < headDim) {
            r = new float[headDim];
            ROW.set(r);
        }
        return r;
    }

    public int capacity() {
        return capacity;
    }

    public abstract KvCacheType type();

    /** Stores key and value rows ({@code kvDim} floats each) for {@code pos} of {@code layer}. */
    public abstract void store(int layer, int pos, float[] k, int ko, float[] v, int vo);

    /** The key of {@code kvHead} at {@code pos} as floats in {@code r[0..headDim)}. */
    abstract void widenKey(int layer, int pos, int kvHead, float[] r);

    /** The value of {@code kvHead} at {@code pos} as floats in {@code r[0..headDim)}. */
    abstract void widenValue(int layer, int pos, int kvHead, float[] r);

    /**
     * {@code scores[j] = scale * (q . key(layer, j, kvHead))} for positions {@code j < n}: each key row widened
     * (vector conversions for F16 and Q8_0), then the float dot product. Through scalar loops per value a
     * 778-token prompt on TinyLlama Q4_0 took 11.8-13.3 s to its first token with the F16 cache, 7.9-11.7 s
     * this way (7.8 s with F32, which reads its rows in place).
     */
    public void keyScores(int layer, int kvHead, float[] q, int qo, int n, float scale, float[] scores) {
        float[] r = row();
        for (int j = 0; j < n; j++) {
            widenKey(layer, j, kvHead, r);
            scores[j] = VectorKernels.dot(r, 0, q, qo, headDim) * scale;
        }
    }

    /** {@code out[oo..oo+headDim) += sum_j w[j] * value(layer, j, kvHead)} for positions {@code j < n}. */
    public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
        float[] r = row();
        for (int j = 0; j < n; j++) {
            widenValue(layer, j, kvHead, r);
            VectorKernels.axpy(w[j], r, 0, out, oo, headDim);
        }
    }

    /**
     * The keys of {@code kvHead} at positions {@code j < n} as floats, transposed for {@link BlockAttention}:
     * {@code kt[d * stride + j]} for {@code d < headDim}.
     */
    void keysTransposed(int layer, int kvHead, int n, float[] kt, int stride) {
        float[] r = row();
        for (int j = 0; j < n; j++) {
            widenKey(layer, j, kvHead, r);
            for (int d = 0; d < headDim; d++) {
                kt[d * stride + j] = r[d];
            }
        }
    }

    /** The values of {@code kvHead} at positions {@code j < n} as float rows {@code vr[j * stride + d]}, {@code d < headDim}. */
    void valueRows(int layer, int kvHead, int n, float[] vr, int stride) {
        float[] r = row();
        for (int j = 0; j < n; j++) {
            widenValue(layer, j, kvHead, r);
            System.arraycopy(r, 0, vr, j * stride, headDim);
        }
    }

    static final class F32Cache extends KvCache {
        private final float[][] k;
        private final float[][] v;

        F32Cache(int layers, int capacity, int kvDim, int headDim) {
            super(layers, capacity, kvDim, headDim);
            k = new float[layers][Math.multiplyExact(capacity, kvDim)];
            v = new float[layers][capacity * kvDim];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.F32;
        }

        @Override
        public void store(int layer, int pos, float[] kk, int ko, float[] vv, int vo) {
            System.arraycopy(kk, ko, k[layer], pos * kvDim, kvDim);
            System.arraycopy(vv, vo, v[layer], pos * kvDim, kvDim);
        }

        @Override
        void widenKey(int layer, int pos, int kvHead, float[] r) {
            System.arraycopy(k[layer], pos * kvDim + kvHead * headDim, r, 0, headDim);
        }

        @Override
        void widenValue(int layer, int pos, int kvHead, float[] r) {
            System.arraycopy(v[layer], pos * kvDim + kvHead * headDim, r, 0, headDim);
        }

        /** Reads the rows in place instead of copying them. */
        @Override
        public void keyScores(int layer, int kvHead, float[] q, int qo, int n, float scale, float[] scores) {
            float[] kl = k[layer];
            int base = kvHead * headDim;
            for (int j = 0; j < n; j++) {
                scores[j] = VectorKernels.dot(kl, j * kvDim + base, q, qo, headDim) * scale;
            }
        }

        @Override
        public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
            float[] vl = v[layer];
            int base = kvHead * headDim;
            for (int j = 0; j < n; j++) {
                VectorKernels.axpy(w[j], vl, j * kvDim + base, out, oo, headDim);
            }
        }

        @Override
        void keysTransposed(int layer, int kvHead, int n, float[] kt, int stride) {
            float[] kl = k[layer];
            int base = kvHead * headDim;
            for (int j = 0; j < n; j++) {
                int ko = j * kvDim + base;
                for (int d = 0; d < headDim; d++) {
                    kt[d * stride + j] = kl[ko + d];
                }
            }
        }

        @Override
        void valueRows(int layer, int kvHead, int n, float[] vr, int stride) {
            float[] vl = v[layer];
            int base = kvHead * headDim;
            for (int j = 0; j < n; j++) {
                System.arraycopy(vl, j * kvDim + base, vr, j * stride, headDim);
            }
        }
    }

    static final class F16Cache extends KvCache {
        private final short[][] k;
        private final short[][] v;

        F16Cache(int layers, int capacity, int kvDim, int headDim) {
            super(layers, capacity, kvDim, headDim);
            k = new short[layers][Math.multiplyExact(capacity, kvDim)];
            v = new short[layers][capacity * kvDim];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.F16;
        }

        @Override
        public void store(int layer, int pos, float[] kk, int ko, float[] vv, int vo) {
            short[] kl = k[layer];
            short[] vl = v[layer];
            int base = pos * kvDim;
            for (int i = 0; i < kvDim; i++) {
                kl[base + i] = Float.floatToFloat16(kk[ko + i]);
                vl[base + i] = Float.floatToFloat16(vv[vo + i]);
            }
        }

        @Override
        void widenKey(int layer, int pos, int kvHead, float[] r) {
            VectorKernels.widenHalves(k[layer], pos * kvDim + kvHead * headDim, r, headDim);
        }

        @Override
        void widenValue(int layer, int pos, int kvHead, float[] r) {
            VectorKernels.widenHalves(v[layer], pos * kvDim + kvHead * headDim, r, headDim);
        }
    }

    /** Q8_0 rows: per 32 values one f16 scale {@code d = amax/127} and int8 {@code round(x/d)}. */
    static final class Q8Cache extends KvCache {
        private final byte[][] kq;
        private final byte[][] vq;
        private final float[][] kd;
        private final float[][] vd;

        Q8Cache(int layers, int capacity, int kvDim, int headDim) {
            super(layers, capacity, kvDim, headDim);
            kq = new byte[layers][Math.multiplyExact(capacity, kvDim)];
            vq = new byte[layers][capacity * kvDim];
            kd = new float[layers][capacity * kvDim / 32];
            vd = new float[layers][capacity * kvDim / 32];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.Q8_0;
        }

        private static void quantize(float[] x, int xo, byte[] q, int qo, float[] d, int dOff, int n) {
            for (int b = 0; b < n / 32; b++) {
                float amax = 0;
                for (int i = 0; i < 32; i++) {
                    amax = Math.max(amax, Math.abs(x[xo + 32 * b + i]));
                }
                float scale = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                float inv = amax == 0 ? 0 : 1f / (amax / 127f);
                d[dOff + b] = scale;
                for (int i = 0; i < 32; i++) {
                    q[qo + 32 * b + i] = (byte) Math.round(x[xo + 32 * b + i] * inv);
                }
            }
        }

        @Override
        public void store(int layer, int pos, float[] kk, int ko, float[] vv, int vo) {
            quantize(kk, ko, kq[layer], pos * kvDim, kd[layer], pos * kvDim / 32, kvDim);
            quantize(vv, vo, vq[layer], pos * kvDim, vd[layer], pos * kvDim / 32, kvDim);
        }

        @Override
        void widenKey(int layer, int pos, int kvHead, float[] r) {
            int o = pos * kvDim + kvHead * headDim;
            VectorKernels.widenQ8(kq[layer], o, kd[layer], o / 32, r, headDim);
        }

        @Override
        void widenValue(int layer, int pos, int kvHead, float[] r) {
            int o = pos * kvDim + kvHead * headDim;
            VectorKernels.widenQ8(vq[layer], o, vd[layer], o / 32, r, headDim);
        }
    }
}
