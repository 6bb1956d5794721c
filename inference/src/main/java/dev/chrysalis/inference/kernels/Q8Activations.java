package dev.chrysalis.inference.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations quantized to Q8_0 as llama.cpp does before its quantized matrix products: per block of 32
 * values a scale {@code d = max|x| / 127} (rounded to f16, as llama.cpp stores it) and integers
 * {@code q = round(x / d)} in [-127, 127]. The integers are stored in the order {@link QuantTiles}
 * multiplies them for one weight format: per block, 16 ints that each pack two of the block's values as
 * 16-bit halves, so one 32-bit broadcast feeds a 16-bit multiply of both halves of every lane. Each block
 * also keeps {@code sum(q)}, which re-centres the unsigned Q4_0 nibbles.
 */
public final class Q8Activations {

    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

    /** Packed pairs per block: 32 values, two per int. */
    static final int PAIRS = 16;

    final QuantTiles.Format format;
    final int blocks;
    /** {@code [block][16]}: low half value {@code format.first(i)}, high half that + 2. */
    final int[] pairs;
    /** Per block: sum of the block's 32 integers. */
    final int[] sums;
    /** Per block: the block's scale d. */
    final float[] scales;

    private static final int WIDTHS = 4;
    /**
     * Per calling thread, single-token instances by format and width, {@link #WIDTHS} widths a format, the most
     * recently made replacing the oldest: a layer's products take two widths (the model's, and the feed-forward's
     * for its down projection), and one instance per format was made anew at each change, twice a layer: 350 KiB
     * of a TinyLlama decode step's 600.
     */
    private static final ThreadLocal<Q8Activations[]> SINGLE = ThreadLocal.withInitial(() -> new Q8Activations[QuantTiles.Format.values().length * WIDTHS]);
    private final int[] scratch = new int[256];

    private Q8Activations(QuantTiles.Format format, int blocks) {
        this.format = format;
        this.blocks = blocks;
        this.pairs = new int[blocks * PAIRS];
        this.sums = new int[blocks];
        this.scales = new float[blocks];
    }

    /**
     * Quantizes {@code x[0..cols)}, paired for products with weights of {@code format}. The result is this
     * thread's reused instance for the format and width (decode quantizes ~100 vectors per token), valid until the
     * thread quantizes for that format and width again.
     */
    public static Q8Activations quantize(QuantTiles.Format format, float[] x, int cols) {
        if (cols % 32 != 0) {
            throw new IllegalArgumentException(cols + " columns is not a multiple of the Q8_0 block size 32");
        }
        if (format.superBlocks() && cols % 256 != 0) {
            throw new IllegalArgumentException(cols + " columns is not a multiple of the Q8_K block size 256 (for " + format + ")");
        }
        Q8Activations[] mine = SINGLE.get();
        int first = format.ordinal() * WIDTHS;
        Q8Activations a = null;
        for (int i = first; i < first + WIDTHS && a == null; i++) {
            if (mine[i] != null && mine[i].blocks == cols / 32) {
                a = mine[i];
            }
        }
        if (a == null) {
            a = new Q8Activations(format, cols / 32);
            System.arraycopy(mine, first, mine, first + 1, WIDTHS - 1);
            mine[first] = a;
        }
        a.quantizeBlocks(x, 0, a.blocks, a.scratch);
        return a;
    }

    /** Quantizes blocks {@code [from, to)} of x. */
    private void quantizeBlocks(float[] x, int from, int to, int[] q) {
        boolean perSuperBlock = format.superBlocks();
        float d = 0;
        for (int b = from; b < to; b++) {
            // Q8_K: one scale per 256 values, each 32-value block's integers at their offset in q
            int qo = perSuperBlock ? 32 * (b & 7) : 0;
            if (!perSuperBlock) {
                d = quantizeBlock(x, 32 * b, q);
            } else if (qo == 0) {
                d = quantizeSuperBlock(x, 32 * b, q, 0);
            }
            int sum = 0;
            int po = b * PAIRS;
            for (int i = 0; i < PAIRS; i++) {
                int f = qo + format.first(i);
                pairs[po + i] = (q[f] & 0xFFFF) | (q[f + 2] << 16);
                sum += q[f] + q[f + 2];
            }
            sums[b] = sum;
            scales[b] = d;
        }
    }

    /**
     * llama.cpp's Q8_K quantization (quantize_row_q8_K_ref), which its K-quant products multiply: the 256 values
     * {@code x[xo..xo+256)} into {@code q[qo..qo+256)} with scale {@code -max / 127} kept as a float, {@code max}
     * the value of largest magnitude (the first such), each integer rounded half to even and at most 127.
     * Returns the scale, so that {@code x ~ d * q}.
     */
    static float quantizeSuperBlock(float[] x, int xo, int[] q, int qo) {
        float max = 0;
        float amax = 0;
        for (int j = 0; j < 256; j++) {
            float ax = Math.abs(x[xo + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + j];
            }
        }
        if (amax == 0) {
            java.util.Arrays.fill(q, qo, qo + 256, 0);
            return 0f;
        }
        float iscale = -127f / max;
        for (int j = 0; j < 256; j++) {
            q[qo + j] = Math.min(127, (int) Math.rint(iscale * x[xo + j]));
        }
        return 1f / iscale;
    }

    /**
     * Quantizes the 32 values {@code x[xo..xo+32)} into {@code q[0..32)} and returns the block's scale as
     * stored (rounded to f16), so that {@code x ~ d * q}.
     */
    static float quantizeBlock(float[] x, int xo, int[] q) {
        return quantizeBlock(x, xo, q, 0);
    }

    /** {@link #quantizeBlock(float[], int, int[])} into {@code q[qo..qo+32)}. */
    static float quantizeBlock(float[] x, int xo, int[] q, int qo) {
        float amax = 0;
        if (VectorKernels.VECTOR) {
            FloatVector m = FloatVector.zero(F);
            for (int j = 0; j < 32; j += F.length()) {
                m = FloatVector.fromArray(F, x, xo + j).abs().max(m);
            }
            amax = LoopCarried.FLOATS.add(m).reduceLanes(VectorOperators.MAX);
        } else {
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[xo + j]));
            }
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        if (VectorKernels.VECTOR) {
            FloatVector scale = FloatVector.broadcast(F, id);
            FloatVector half = FloatVector.broadcast(F, 0.5f);
            for (int j = 0; j < 32; j += F.length()) {
                FloatVector v = FloatVector.fromArray(F, x, xo + j).mul(scale);
                // round half away from zero (C roundf): add +-0.5, then truncate
                v = v.add(half.blend(half.neg(), v.lt(0f)));
                ((IntVector) v.convertShape(VectorOperators.F2I, I, 0)).intoArray(q, qo + j);
            }
        } else {
            for (int j = 0; j < 32; j++) {
                float v = x[xo + j] * id;
                q[qo + j] = (int) (v + (v < 0 ? -0.5f : 0.5f));
            }
        }
        return Float.float16ToFloat(Float.floatToFloat16(d));
    }

    /** Per calling thread, the buffer {@link #roundTrip} returns (reused: a prefill makes ~150 of them). */
    private static final ThreadLocal<float[]> ROUND_TRIP = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * {@code tokens} rows of {@code cols} values replaced by their Q8_0 values {@code d * q}: what the
     * integer products multiply, for products that run in float. The result is this thread's buffer (it
     * may be longer than needed), valid until the thread's next call: a fresh multi-megabyte array per
     * matrix product made G1 grow the heap by gigabytes during prefill.
     */
    public static float[] roundTrip(WorkerPool pool, float[] x, int cols, int tokens) {
        return roundTrip(pool, x, cols, 0, tokens, false);
    }

    /**
     * {@link #roundTrip(WorkerPool, float[], int, int)} of rows {@code [from, to)} only (the others are left as they were);
     * {@code superBlocks}: their Q8_K values ({@link #quantizeSuperBlock}), as K-quant products take them.
     */
    public static float[] roundTrip(WorkerPool pool, float[] x, int cols, int from, int to, boolean superBlocks) {
        if (cols % (superBlocks ? 256 : 32) != 0) {
            throw new IllegalArgumentException(cols + " columns is not a multiple of the block size " + (superBlocks ? "256 of Q8_K" : "32 of Q8_0"));
        }
        float[] r = ROUND_TRIP.get();
        if (r.length < cols * to) {
            r = new float[cols * to];
            ROUND_TRIP.set(r);
        }
        float[] out = r;
        int size = superBlocks ? 256 : 32;
        pool.forRange(to - from, 1, (s, e, t) -> {
            int[] q = new int[size];
            for (int b = (from + s) * (cols / size); b < (from + e) * (cols / size); b++) {
                float d = superBlocks ? quantizeSuperBlock(x, size * b, q, 0) : quantizeBlock(x, size * b, q);
                for (int j = 0; j < size; j++) {
                    out[size * b + j] = d * q[j];
                }
            }
        });
        return out;
    }
}
