package dev.chrysalis.inference.model;

import dev.chrysalis.inference.kernels.AttentionKernels;
import dev.chrysalis.inference.kernels.VectorKernels;

/**
 * Keys and values of every layer for positions {@code 0..capacity-1}, stored in one of the
 * {@link KvCacheType} formats.
 *
 * <p>Values are stored per KV head ({@code [head][position][d]}), so each head's are one contiguous run: a task of
 * attention reads one head, and as rows {@code kvDim} wide its values were a strided read (256 of every 1024 bytes
 * at TinyLlama's shape) that a decode step's first pass took at 9-11 GB/s where the contiguous keys' ran at 11-14.
 * Keys are stored per KV head in blocks of {@link #KEY_BLOCK} positions, each block dimension by dimension
 * ({@code [head][block][d][position in block]}), the layout {@link AttentionKernels#scores4} reads: positions are
 * lanes. Attention then reads the F32 cache's keys in place and widens the F16 and Q8_0 caches' a block of
 * contiguous values at a time, where keys stored as rows had to be transposed for every step (6% of a decode at
 * 1.4K tokens of context). Positions are rounded up to whole blocks.
 */
public abstract sealed class KvCache permits KvCache.F32Cache, KvCache.F16Cache, KvCache.Q8Cache {

    /** Positions per key block: four vectors of lanes, the width of {@link AttentionKernels}' products. */
    static final int KEY_BLOCK = AttentionKernels.keyBlock();

    protected final int layers;
    protected final int capacity;
    protected final int kvDim;
    protected final int headDim;
    /** Key blocks per head; {@code rows = blocks * KEY_BLOCK} positions have room (values too). */
    protected final int blocks;
    protected final int rows;

    KvCache(int layers, int capacity, int kvDim, int headDim) {
        this.layers = layers;
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.headDim = headDim;
        this.blocks = (capacity + KEY_BLOCK - 1) / KEY_BLOCK;
        this.rows = Math.multiplyExact(blocks, KEY_BLOCK);
        Math.multiplyExact(rows, kvDim);
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

    /** Bytes a cache of this type takes for {@code capacity} positions (rounded up to whole key blocks). */
    public static long bytes(KvCacheType type, ModelConfig c, int capacity) {
        double rows = Math.ceil(capacity / (double) KEY_BLOCK) * KEY_BLOCK;
        return (long) Math.ceil(2.0 * c.layers() * rows * c.kvDim() * type.bytesPerValue());
    }

    /** Where key {@code (kvHead, pos)}'s dimension {@code d} is in a layer's key array: see the class comment. */
    final int keyIndex(int kvHead, int pos, int d) {
        return keyBlockStart(kvHead, pos / KEY_BLOCK) + d * KEY_BLOCK + pos % KEY_BLOCK;
    }

    /** Where value {@code (kvHead, pos)}'s {@code headDim} values start in a layer's value array: see the class comment. */
    final int valueStart(int kvHead, int pos) {
        return (kvHead * rows + pos) * headDim;
    }

    /** Where key block {@code b} of {@code kvHead} starts in a layer's key array. */
    final int keyBlockStart(int kvHead, int b) {
        return (kvHead * blocks + b) * headDim * KEY_BLOCK;
    }

    /** Floats attention reads in place or from a widened copy: {@code array} from {@code offset}, rows {@code stride} apart. */
    record FloatRows(float[] array, int offset, int stride) {

        /**
         * These rows from position {@code at} on, {@code width} floats a position: a head's values, {@code stride};
         * its keys, {@code headDim}, with {@code at} a multiple of {@link #KEY_BLOCK} (whole blocks of
         * {@code KEY_BLOCK * headDim} floats).
         */
        FloatRows from(int at, int width) {
            return new FloatRows(array, offset + at * width, stride);
        }
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
     * {@code scores[j] = scale * (q . key(layer, j, kvHead))} for positions {@code j < n}, one key at a time:
     * attention's path where there are no vector lanes for {@link BlockAttention}.
     */
    public void keyScores(int layer, int kvHead, float[] q, int qo, int n, float scale, float[] scores) {
        float[] r = row();
        for (int j = 0; j < n; j++) {
            widenKey(layer, j, kvHead, r);
            scores[j] = VectorKernels.dot(r, 0, q, qo, headDim) * scale;
        }
    }

    /** {@code out[oo..oo+headDim) += sum_j w[j] * value(layer, j, kvHead)} for positions {@code j < n} (as {@link #keyScores}). */
    public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
        float[] r = row();
        for (int j = 0; j < n; j++) {
            widenValue(layer, j, kvHead, r);
            VectorKernels.axpy(w[j], r, 0, out, oo, headDim);
        }
    }

    /**
     * The key blocks of {@code kvHead} holding positions {@code from <= j < to} ({@code from} a multiple of
     * {@link #KEY_BLOCK}), as floats in the key layout (see the class comment), block {@code from / KEY_BLOCK} first:
     * the cache's own array, or {@code scratch} (at least {@link #keyFloats}{@code (to - from)} long) with the
     * blocks widened into it.
     */
    FloatRows keys(int layer, int kvHead, int from, int to, float[] scratch) {
        int size = KEY_BLOCK * headDim;
        int first = from / KEY_BLOCK;
        for (int b = first; b * KEY_BLOCK < to; b++) {
            widenKeyBlock(layer, kvHead, b, scratch, (b - first) * size);
        }
        return new FloatRows(scratch, 0, KEY_BLOCK);
    }

    /** Floats {@link #keys} may widen into for {@code n} positions. */
    int keyFloats(int n) {
        return (n + KEY_BLOCK - 1) / KEY_BLOCK * KEY_BLOCK * headDim;
    }

    /** Key block {@code b} of {@code kvHead} as floats into {@code out[oo .. oo + KEY_BLOCK * headDim)}. */
    abstract void widenKeyBlock(int layer, int kvHead, int b, float[] out, int oo);

    /**
     * The values of {@code kvHead} at positions {@code from <= j < to} as float rows {@code dims >= headDim} wide from
     * {@code offset}, position {@code from} first: the cache's own array, or {@code scratch} (at least
     * {@link #valueFloats}{@code (to - from, dims)} long) with the rows widened into it. Rows up to {@code to} rounded
     * up to whole vectors are readable (and finite).
     */
    FloatRows values(int layer, int kvHead, int from, int to, int dims, float[] scratch) {
        if (dims == headDim) {
            // a head's values are one run: widened in one call
            widenValues(layer, kvHead, from, to - from, scratch);
            return new FloatRows(scratch, 0, dims);
        }
        float[] r = row();
        for (int j = from; j < to; j++) {
            widenValue(layer, j, kvHead, r);
            System.arraycopy(r, 0, scratch, (j - from) * dims, headDim);
        }
        return new FloatRows(scratch, 0, dims);
    }

    /** The values of {@code kvHead} at positions {@code from .. from + n - 1} as floats into {@code out[0 .. n * headDim)}. */
    abstract void widenValues(int layer, int kvHead, int from, int n, float[] out);

    /** Floats {@link #values} may widen into for {@code n} positions, rows {@code dims} wide. */
    int valueFloats(int n, int dims) {
        return (n + KEY_BLOCK - 1) / KEY_BLOCK * KEY_BLOCK * dims;
    }

    /** Floats, read in place. */
    static final class F32Cache extends KvCache {
        private final float[][] k;
        private final float[][] v;

        F32Cache(int layers, int capacity, int kvDim, int headDim) {
            super(layers, capacity, kvDim, headDim);
            k = new float[layers][rows * kvDim];
            v = new float[layers][rows * kvDim];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.F32;
        }

        @Override
        public void store(int layer, int pos, float[] kk, int ko, float[] vv, int vo) {
            float[] kl = k[layer];
            for (int h = 0; h < kvDim / headDim; h++) {
                for (int d = 0; d < headDim; d++) {
                    kl[keyIndex(h, pos, d)] = kk[ko + h * headDim + d];
                }
            }
            for (int h = 0; h < kvDim / headDim; h++) {
                System.arraycopy(vv, vo + h * headDim, v[layer], valueStart(h, pos), headDim);
            }
        }

        @Override
        void widenKey(int layer, int pos, int kvHead, float[] r) {
            float[] kl = k[layer];
            for (int d = 0; d < headDim; d++) {
                r[d] = kl[keyIndex(kvHead, pos, d)];
            }
        }

        @Override
        void widenValue(int layer, int pos, int kvHead, float[] r) {
            System.arraycopy(v[layer], valueStart(kvHead, pos), r, 0, headDim);
        }

        @Override
        void widenKeyBlock(int layer, int kvHead, int b, float[] out, int oo) {
            System.arraycopy(k[layer], keyBlockStart(kvHead, b), out, oo, KEY_BLOCK * headDim);
        }

        /** None: the keys are read in place. */
        @Override
        int keyFloats(int n) {
            return 0;
        }

        /** None where the values are read in place (rows of {@code headDim}). */
        @Override
        int valueFloats(int n, int dims) {
            return dims == headDim ? 0 : super.valueFloats(n, dims);
        }

        /** The keys in place. */
        @Override
        FloatRows keys(int layer, int kvHead, int from, int to, float[] scratch) {
            return new FloatRows(k[layer], keyBlockStart(kvHead, from / KEY_BLOCK), KEY_BLOCK);
        }

        /** The values in place, where rows of {@code headDim} are whole vectors. */
        @Override
        FloatRows values(int layer, int kvHead, int from, int to, int dims, float[] scratch) {
            if (dims != headDim) {
                return super.values(layer, kvHead, from, to, dims, scratch);
            }
            return new FloatRows(v[layer], valueStart(kvHead, from), headDim);
        }

        @Override
        void widenValues(int layer, int kvHead, int from, int n, float[] out) {
            System.arraycopy(v[layer], valueStart(kvHead, from), out, 0, n * headDim);
        }

        /** Reads the rows in place instead of copying them. */
        @Override
        public void weightedValues(int layer, int kvHead, float[] w, int n, float[] out, int oo) {
            float[] vl = v[layer];
            for (int j = 0; j < n; j++) {
                VectorKernels.axpy(w[j], vl, valueStart(kvHead, j), out, oo, headDim);
            }
        }
    }

    static final class F16Cache extends KvCache {
        private final short[][] k;
        private final short[][] v;
        /** Whether a stored half is an infinity or a NaN (a key or value beyond the half range): then widened exactly. */
        private boolean nonFinite;

        F16Cache(int layers, int capacity, int kvDim, int headDim) {
            super(layers, capacity, kvDim, headDim);
            k = new short[layers][rows * kvDim];
            v = new short[layers][rows * kvDim];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.F16;
        }

        @Override
        public void store(int layer, int pos, float[] kk, int ko, float[] vv, int vo) {
            short[] kl = k[layer];
            short[] vl = v[layer];
            for (int h = 0; h < kvDim / headDim; h++) {
                int vs = valueStart(h, pos);
                for (int d = 0; d < headDim; d++) {
                    short key = Float.floatToFloat16(kk[ko + h * headDim + d]);
                    short value = Float.floatToFloat16(vv[vo + h * headDim + d]);
                    kl[keyIndex(h, pos, d)] = key;
                    vl[vs + d] = value;
                    if ((key & 0x7C00) == 0x7C00 || (value & 0x7C00) == 0x7C00) {
                        nonFinite = true; // beyond +-65504, or NaN: widened exactly from then on
                    }
                }
            }
        }

        /** Widens a run of halves: the short conversion while every stored half is finite. */
        private void widen(short[] h, int ho, float[] out, int oo, int n) {
            if (nonFinite) {
                VectorKernels.widenHalves(h, ho, out, oo, n);
            } else {
                VectorKernels.widenFiniteHalves(h, ho, out, oo, n);
            }
        }

        @Override
        void widenKey(int layer, int pos, int kvHead, float[] r) {
            short[] kl = k[layer];
            for (int d = 0; d < headDim; d++) {
                r[d] = Float.float16ToFloat(kl[keyIndex(kvHead, pos, d)]);
            }
        }

        @Override
        void widenValue(int layer, int pos, int kvHead, float[] r) {
            VectorKernels.widenHalves(v[layer], valueStart(kvHead, pos), r, 0, headDim);
        }

        @Override
        void widenKeyBlock(int layer, int kvHead, int b, float[] out, int oo) {
            widen(k[layer], keyBlockStart(kvHead, b), out, oo, KEY_BLOCK * headDim);
        }

        @Override
        void widenValues(int layer, int kvHead, int from, int n, float[] out) {
            widen(v[layer], valueStart(kvHead, from), out, 0, n * headDim);
        }
    }

    /**
     * Q8_0: per 32 values of a row (a key's or a value's) one f16 scale {@code d = amax/127} and int8
     * {@code round(x/d)}. Key bytes follow the key layout; their scales too, one per position per 32
     * dimensions ({@code [head][block][d / 32][position in block]}), so a block widens lane by lane.
     */
    static final class Q8Cache extends KvCache {
        private final byte[][] kq;
        private final byte[][] vq;
        private final float[][] kd;
        private final float[][] vd;

        Q8Cache(int layers, int capacity, int kvDim, int headDim) {
            super(layers, capacity, kvDim, headDim);
            kq = new byte[layers][rows * kvDim];
            vq = new byte[layers][rows * kvDim];
            kd = new float[layers][rows * kvDim / 32];
            vd = new float[layers][rows * kvDim / 32];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.Q8_0;
        }

        /** The scale and quants of the 32 values {@code x[xo..xo+32)}: {@code q[i]} gets value i; returns the scale. */
        private static float quantize(float[] x, int xo, byte[] q) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[xo + i]));
            }
            float inv = amax == 0 ? 0 : 1f / (amax / 127f);
            for (int i = 0; i < 32; i++) {
                q[i] = (byte) Math.round(x[xo + i] * inv);
            }
            return Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
        }

        /** Where the scale of key {@code (kvHead, pos)}'s dimensions {@code 32g..32g+31} is. */
        private int keyScaleIndex(int kvHead, int pos, int g) {
            return ((kvHead * blocks + pos / KEY_BLOCK) * (headDim / 32) + g) * KEY_BLOCK + pos % KEY_BLOCK;
        }

        @Override
        public void store(int layer, int pos, float[] kk, int ko, float[] vv, int vo) {
            byte[] q = new byte[32];
            for (int h = 0; h < kvDim / headDim; h++) {
                for (int g = 0; g < headDim / 32; g++) {
                    kd[layer][keyScaleIndex(h, pos, g)] = quantize(kk, ko + h * headDim + 32 * g, q);
                    for (int i = 0; i < 32; i++) {
                        kq[layer][keyIndex(h, pos, 32 * g + i)] = q[i];
                    }
                }
            }
            for (int h = 0; h < kvDim / headDim; h++) {
                for (int g = 0; g < headDim / 32; g++) {
                    int at = valueStart(h, pos) + 32 * g;
                    vd[layer][at / 32] = quantize(vv, vo + h * headDim + 32 * g, q);
                    System.arraycopy(q, 0, vq[layer], at, 32);
                }
            }
        }

        @Override
        void widenKey(int layer, int pos, int kvHead, float[] r) {
            for (int d = 0; d < headDim; d++) {
                r[d] = kd[layer][keyScaleIndex(kvHead, pos, d / 32)] * kq[layer][keyIndex(kvHead, pos, d)];
            }
        }

        @Override
        void widenValue(int layer, int pos, int kvHead, float[] r) {
            int o = valueStart(kvHead, pos);
            VectorKernels.widenQ8(vq[layer], o, vd[layer], o / 32, r, headDim);
        }

        @Override
        void widenValues(int layer, int kvHead, int from, int n, float[] out) {
            int o = valueStart(kvHead, from);
            VectorKernels.widenQ8(vq[layer], o, vd[layer], o / 32, out, n * headDim);
        }

        @Override
        void widenKeyBlock(int layer, int kvHead, int b, float[] out, int oo) {
            int start = keyBlockStart(kvHead, b);
            int scales = keyScaleIndex(kvHead, b * KEY_BLOCK, 0);
            for (int d = 0; d < headDim; d++) {
                VectorKernels.scaleBytes(kq[layer], start + d * KEY_BLOCK, kd[layer], scales + (d / 32) * KEY_BLOCK, out,
                        oo + d * KEY_BLOCK, KEY_BLOCK);
            }
        }
    }
}
