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

    protected final float[] row() {
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

    /** Dot of the query head slice {@code q[qo..qo+headDim)} with the key of {@code kvHead} at {@code pos}. */
    public abstract float dotKey(int layer, int pos, int kvHead, float[] q, int qo);

    /** {@code out[oo..oo+headDim) += w * value(layer, pos, kvHead)}. */
    public abstract void addValue(int layer, int pos, int kvHead, float w, float[] out, int oo);

    /** {@code scores[j] = scale * (q . key(layer, j, kvHead))} for positions {@code j < n}. */
    public void keyScores(int layer, int kvHead, float[] q, int qo, int n, float scale, float[] scores) {
        for (int j = 0; j < n; j++) {
            scores[j] = dotKey(layer, j, kvHead, q, qo) * scale;
        }
    }

    /** {@code out[oo..oo+headDim) += sum_j w[j] * value(layer, j, kvHead)} for positions {@code j < n}. */
    public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
        for (int j = 0; j < n; j++) {
            addValue(layer, j, kvHead, w[j], out, oo);
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
        public float dotKey(int layer, int pos, int kvHead, float[] q, int qo) {
            return VectorKernels.dot(k[layer], pos * kvDim + kvHead * headDim, q, qo, headDim);
        }

        @Override
        public void addValue(int layer, int pos, int kvHead, float w, float[] out, int oo) {
            VectorKernels.axpy(w, v[layer], pos * kvDim + kvHead * headDim, out, oo, headDim);
        }

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
        public float dotKey(int layer, int pos, int kvHead, float[] q, int qo) {
            short[] kl = k[layer];
            int base = pos * kvDim + kvHead * headDim;
            float s = 0;
            for (int i = 0; i < headDim; i++) {
                s += Float.float16ToFloat(kl[base + i]) * q[qo + i];
            }
            return s;
        }

        @Override
        public void addValue(int layer, int pos, int kvHead, float w, float[] out, int oo) {
            short[] vl = v[layer];
            int base = pos * kvDim + kvHead * headDim;
            for (int i = 0; i < headDim; i++) {
                out[oo + i] += w * Float.float16ToFloat(vl[base + i]);
            }
        }

        /**
         * Each row widened with vector conversions, then the float kernels, instead of the scalar {@link #dotKey}
         * loop: a 778-token prompt on TinyLlama Q4_0 took 11.8-13.3 s to its first token with this cache before,
         * 7.9-11.7 s after (7.8 s with F32), on a noisy 2-core machine.
         */
        @Override
        public void keyScores(int layer, int kvHead, float[] q, int qo, int n, float scale, float[] scores) {
            short[] kl = k[layer];
            float[] r = row();
            int base = kvHead * headDim;
            for (int j = 0; j < n; j++) {
                VectorKernels.widenHalves(kl, j * kvDim + base, r, headDim);
                scores[j] = VectorKernels.dot(r, 0, q, qo, headDim) * scale;
            }
        }

        @Override
        public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
            short[] vl = v[layer];
            float[] r = row();
            int base = kvHead * headDim;
            for (int j = 0; j < n; j++) {
                VectorKernels.widenHalves(vl, j * kvDim + base, r, headDim);
                VectorKernels.axpy(w[j], r, 0, out, oo, headDim);
            }
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
        public float dotKey(int layer, int pos, int kvHead, float[] q, int qo) {
            byte[] kl = kq[layer];
            float[] dl = kd[layer];
            int base = pos * kvDim + kvHead * headDim;
            float s = 0;
            for (int b = 0; b < headDim / 32; b++) {
                float bs = 0;
                int o = base + 32 * b;
                for (int i = 0; i < 32; i++) {
                    bs += kl[o + i] * q[qo + 32 * b + i];
                }
                s += bs * dl[o / 32];
            }
            return s;
        }

        @Override
        public void addValue(int layer, int pos, int kvHead, float w, float[] out, int oo) {
            byte[] vl = vq[layer];
            float[] dl = vd[layer];
            int base = pos * kvDim + kvHead * headDim;
            for (int b = 0; b < headDim / 32; b++) {
                int o = base + 32 * b;
                float wd = w * dl[o / 32];
                for (int i = 0; i < 32; i++) {
                    out[oo + 32 * b + i] += wd * vl[o + i];
                }
            }
        }

        /** As the F16 cache: each row widened with vector conversions, then the float kernels. */
        @Override
        public void keyScores(int layer, int kvHead, float[] q, int qo, int n, float scale, float[] scores) {
            float[] r = row();
            for (int j = 0; j < n; j++) {
                int o = j * kvDim + kvHead * headDim;
                VectorKernels.widenQ8(kq[layer], o, kd[layer], o / 32, r, headDim);
                scores[j] = VectorKernels.dot(r, 0, q, qo, headDim) * scale;
            }
        }

        @Override
        public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
            float[] r = row();
            for (int j = 0; j < n; j++) {
                int o = j * kvDim + kvHead * headDim;
                VectorKernels.widenQ8(vq[layer], o, vd[layer], o / 32, r, headDim);
                VectorKernels.axpy(w[j], r, 0, out, oo, headDim);
            }
        }
    }
}
