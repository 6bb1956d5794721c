package dev.chrysalis.inference.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: float dot products and the fused dequantize-and-dot loops of the weight formats
 * whose speed matters most (F32, Q8_0, Q4_0). A block's quantized values are expanded to float lanes in
 * registers and multiplied into the activation right away; no dequantized copy of a weight row exists.
 *
 * <p>Lane counts of 8 (AVX2) and 16 (AVX-512) use the vector path; anything else falls back to scalar
 * loops with identical results up to float summation order.
 *
 * <p>These kernels keep activations in float, so products are exact; they serve every format, and Q4_0
 * when exact activations are asked for. The engine's default for Q4_0 is {@link QuantTiles}: weights
 * repacked so rows are lanes and multiplied with Q8 activations in 16-bit lanes, about 2.4x this file's
 * fused Q4_0 kernel per thread. Earlier attempts at int8 activations here (widen to shorts, multiply, add
 * pairs into ints within one row) lost to the float kernels: without a pairwise multiply-add (vpmaddwd /
 * vpdpbusd) in the Vector API, the per-row horizontal sums ate the gain; the tiles avoid them.
 */
public final class VectorKernels {

    static final VectorSpecies<Float> F = species();
    static final int L = F.length();
    static final boolean VECTOR = L == 8 || L == 16;
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(Math.max(64, L * 32)));
    /** L halves (IEEE binary16 bits), widened to the L float lanes of {@link #F}. */
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorKernels() {
    }

    /** The preferred float species, or a narrower one when {@code -Dchrysalis.vectorBits=256} asks for it. */
    private static VectorSpecies<Float> species() {
        String bits = System.getProperty("chrysalis.vectorBits", "");
        VectorSpecies<Float> pref = FloatVector.SPECIES_PREFERRED;
        if (bits.equals("256") && pref.vectorBitSize() > 256) {
            return FloatVector.SPECIES_256;
        }
        return pref;
    }

    /** Shuffles that fold a vector onto itself: lane i takes lane i + L / 2^k (mod L), k = 1, 2, 3, 4. */
    static final VectorShuffle<Float> FOLD_1 = fold(1);
    static final VectorShuffle<Float> FOLD_2 = fold(2);
    static final VectorShuffle<Float> FOLD_3 = fold(3);
    static final VectorShuffle<Float> FOLD_4 = fold(4);

    private static VectorShuffle<Float> fold(int k) {
        int half = L >> k;
        return VectorShuffle.fromOp(F, i -> (i + half) % L);
    }

    /**
     * Sum of the lanes in a fixed pairwise order. {@code reduceLanes(ADD)} may sum in a different order
     * once compiled than when interpreted, which would make logits depend on JIT warm-up; this does not.
     */
    public static float sum(FloatVector v) {
        // written out, not a loop over the folds, which would carry the vector (see LoopCarried); L is a constant.
        // Callers pass a loop's sums through LoopCarried.FLOATS: should C2 not inline this method, the loop's
        // vector would cross the call and be boxed on every iteration, a fresh one only once per call.
        FloatVector s = v.add(v.rearrange(FOLD_1));
        s = s.add(s.rearrange(FOLD_2));
        s = s.add(s.rearrange(FOLD_3));
        if (L > 8) {
            s = s.add(s.rearrange(FOLD_4));
        }
        return s.lane(0);
    }

    /** {@link #sum} of the L floats at {@code a[off..]}, the same folds in scalar code: the same float (the lanes are overwritten). */
    static float sumLanes(float[] a, int off) {
        for (int half = L / 2; half > 0; half >>= 1) {
            for (int i = 0; i < half; i++) {
                a[off + i] += a[off + i + half];
            }
        }
        return a[off];
    }

    /** Number of float lanes of the preferred vector shape on this machine. */
    public static int lanes() {
        return L;
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (VECTOR && n >= L) {
            FloatVector acc = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += L) {
                acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            }
            sum = sum(LoopCarried.FLOATS.add(acc));
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /**
     * Four dot products of one weight row {@code w[wo..wo+n)} with four activation rows, written to
     * {@code out[o0], out[o0+os], out[o0+2os], out[o0+3os]}: the weight vector is loaded once for all four.
     */
    public static void dot4(float[] w, int wo, float[] x, int x0, int x1, int x2, int x3, int n,
                            float[] out, int o0, int os) {
        int i = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (VECTOR && n >= L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int bound = F.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector wv = FloatVector.fromArray(F, w, wo + i);
                a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
                a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
                a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
                a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            }
            s0 = sum(LoopCarried.FLOATS.add(a0));
            s1 = sum(LoopCarried.FLOATS.add(a1));
            s2 = sum(LoopCarried.FLOATS.add(a2));
            s3 = sum(LoopCarried.FLOATS.add(a3));
        }
        for (; i < n; i++) {
            float wv = w[wo + i];
            s0 += wv * x[x0 + i];
            s1 += wv * x[x1 + i];
            s2 += wv * x[x2 + i];
            s3 += wv * x[x3 + i];
        }
        out[o0] = s0;
        out[o0 + os] = s1;
        out[o0 + 2 * os] = s2;
        out[o0 + 3 * os] = s3;
    }

    /**
     * A 4x4 block of dot products: weight rows {@code w[wo + r*n ..]} (r &lt; 4, dequantized, contiguous)
     * times activation rows {@code x[xo + t*n ..]} (t &lt; 4), into {@code out[oo + t*os + r]}. Each weight
     * vector and each activation vector loaded is used four times, which keeps prefill from being
     * bound by cache bandwidth.
     */
    public static void dot4x4(float[] w, int wo, float[] x, int xo, int n, float[] out, int oo, int os) {
        int i = 0;
        float[] s = new float[16];
        if (VECTOR && n >= L) {
            FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
            FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
            FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
            FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
            int bound = F.loopBound(n);
            int w1 = wo + n, w2 = wo + 2 * n, w3 = wo + 3 * n;
            int x1 = xo + n, x2 = xo + 2 * n, x3 = xo + 3 * n;
            for (; i < bound; i += L) {
                FloatVector a0 = FloatVector.fromArray(F, w, wo + i);
                FloatVector a1 = FloatVector.fromArray(F, w, w1 + i);
                FloatVector a2 = FloatVector.fromArray(F, w, w2 + i);
                FloatVector a3 = FloatVector.fromArray(F, w, w3 + i);
                FloatVector b = FloatVector.fromArray(F, x, xo + i);
                c00 = a0.fma(b, c00);
                c01 = a1.fma(b, c01);
                c02 = a2.fma(b, c02);
                c03 = a3.fma(b, c03);
                b = FloatVector.fromArray(F, x, x1 + i);
                c10 = a0.fma(b, c10);
                c11 = a1.fma(b, c11);
                c12 = a2.fma(b, c12);
                c13 = a3.fma(b, c13);
                b = FloatVector.fromArray(F, x, x2 + i);
                c20 = a0.fma(b, c20);
                c21 = a1.fma(b, c21);
                c22 = a2.fma(b, c22);
                c23 = a3.fma(b, c23);
                b = FloatVector.fromArray(F, x, x3 + i);
                c30 = a0.fma(b, c30);
                c31 = a1.fma(b, c31);
                c32 = a2.fma(b, c32);
                c33 = a3.fma(b, c33);
            }
            s[0] = sum(LoopCarried.FLOATS.add(c00));
            s[1] = sum(LoopCarried.FLOATS.add(c01));
            s[2] = sum(LoopCarried.FLOATS.add(c02));
            s[3] = sum(LoopCarried.FLOATS.add(c03));
            s[4] = sum(LoopCarried.FLOATS.add(c10));
            s[5] = sum(LoopCarried.FLOATS.add(c11));
            s[6] = sum(LoopCarried.FLOATS.add(c12));
            s[7] = sum(LoopCarried.FLOATS.add(c13));
            s[8] = sum(LoopCarried.FLOATS.add(c20));
            s[9] = sum(LoopCarried.FLOATS.add(c21));
            s[10] = sum(LoopCarried.FLOATS.add(c22));
            s[11] = sum(LoopCarried.FLOATS.add(c23));
            s[12] = sum(LoopCarried.FLOATS.add(c30));
            s[13] = sum(LoopCarried.FLOATS.add(c31));
            s[14] = sum(LoopCarried.FLOATS.add(c32));
            s[15] = sum(LoopCarried.FLOATS.add(c33));
        }
        for (; i < n; i++) {
            for (int t = 0; t < 4; t++) {
                float xv = x[xo + t * n + i];
                for (int r = 0; r < 4; r++) {
                    s[t * 4 + r] += w[wo + r * n + i] * xv;
                }
            }
        }
        for (int t = 0; t < 4; t++) {
            for (int r = 0; r < 4; r++) {
                out[oo + t * os + r] = s[t * 4 + r];
            }
        }
    }

    /**
     * Accumulates a 4x4 block of partial dot products over columns {@code [k0, k1)} ({@code k1 - k0} a
     * multiple of the lane count): weight rows {@code w[r*n ..]} (r &lt; 4) times activation rows
     * {@code x[xo + t*n ..]} (t &lt; 4), adding lane-wise into the 16 accumulator vectors kept in
     * {@code acc[ao .. ao + 16*L)}. Working on column chunks keeps the weight chunk in L1 across all
     * token groups; the per-lane order of operations is that of one pass over all columns.
     */
    public static void mma4x4(float[] w, int n, float[] x, int xo, int k0, int k1, float[] acc, int ao) {
        FloatVector c00 = FloatVector.fromArray(F, acc, ao), c01 = FloatVector.fromArray(F, acc, ao + L);
        FloatVector c02 = FloatVector.fromArray(F, acc, ao + 2 * L), c03 = FloatVector.fromArray(F, acc, ao + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, acc, ao + 4 * L), c11 = FloatVector.fromArray(F, acc, ao + 5 * L);
        FloatVector c12 = FloatVector.fromArray(F, acc, ao + 6 * L), c13 = FloatVector.fromArray(F, acc, ao + 7 * L);
        FloatVector c20 = FloatVector.fromArray(F, acc, ao + 8 * L), c21 = FloatVector.fromArray(F, acc, ao + 9 * L);
        FloatVector c22 = FloatVector.fromArray(F, acc, ao + 10 * L), c23 = FloatVector.fromArray(F, acc, ao + 11 * L);
        FloatVector c30 = FloatVector.fromArray(F, acc, ao + 12 * L), c31 = FloatVector.fromArray(F, acc, ao + 13 * L);
        FloatVector c32 = FloatVector.fromArray(F, acc, ao + 14 * L), c33 = FloatVector.fromArray(F, acc, ao + 15 * L);
        int w1 = n, w2 = 2 * n, w3 = 3 * n;
        int x1 = xo + n, x2 = xo + 2 * n, x3 = xo + 3 * n;
        for (int i = k0; i < k1; i += L) {
            FloatVector a0 = FloatVector.fromArray(F, w, i);
            FloatVector a1 = FloatVector.fromArray(F, w, w1 + i);
            FloatVector a2 = FloatVector.fromArray(F, w, w2 + i);
            FloatVector a3 = FloatVector.fromArray(F, w, w3 + i);
            FloatVector b = FloatVector.fromArray(F, x, xo + i);
            c00 = a0.fma(b, c00);
            c01 = a1.fma(b, c01);
            c02 = a2.fma(b, c02);
            c03 = a3.fma(b, c03);
            b = FloatVector.fromArray(F, x, x1 + i);
            c10 = a0.fma(b, c10);
            c11 = a1.fma(b, c11);
            c12 = a2.fma(b, c12);
            c13 = a3.fma(b, c13);
            b = FloatVector.fromArray(F, x, x2 + i);
            c20 = a0.fma(b, c20);
            c21 = a1.fma(b, c21);
            c22 = a2.fma(b, c22);
            c23 = a3.fma(b, c23);
            b = FloatVector.fromArray(F, x, x3 + i);
            c30 = a0.fma(b, c30);
            c31 = a1.fma(b, c31);
            c32 = a2.fma(b, c32);
            c33 = a3.fma(b, c33);
        }
        LoopCarried.FLOATS.add(c00).intoArray(acc, ao);
        LoopCarried.FLOATS.add(c01).intoArray(acc, ao + L);
        LoopCarried.FLOATS.add(c02).intoArray(acc, ao + 2 * L);
        LoopCarried.FLOATS.add(c03).intoArray(acc, ao + 3 * L);
        LoopCarried.FLOATS.add(c10).intoArray(acc, ao + 4 * L);
        LoopCarried.FLOATS.add(c11).intoArray(acc, ao + 5 * L);
        LoopCarried.FLOATS.add(c12).intoArray(acc, ao + 6 * L);
        LoopCarried.FLOATS.add(c13).intoArray(acc, ao + 7 * L);
        LoopCarried.FLOATS.add(c20).intoArray(acc, ao + 8 * L);
        LoopCarried.FLOATS.add(c21).intoArray(acc, ao + 9 * L);
        LoopCarried.FLOATS.add(c22).intoArray(acc, ao + 10 * L);
        LoopCarried.FLOATS.add(c23).intoArray(acc, ao + 11 * L);
        LoopCarried.FLOATS.add(c30).intoArray(acc, ao + 12 * L);
        LoopCarried.FLOATS.add(c31).intoArray(acc, ao + 13 * L);
        LoopCarried.FLOATS.add(c32).intoArray(acc, ao + 14 * L);
        LoopCarried.FLOATS.add(c33).intoArray(acc, ao + 15 * L);
    }

    /**
     * Finishes a block accumulated by {@link #mma4x4}: sums each accumulator's lanes, adds the scalar
     * tail columns {@code [tail, n)}, and writes {@code out[oo + t*os + r]}.
     */
    public static void finish4x4(float[] acc, int ao, float[] w, int n, float[] x, int xo, int tail, float[] out, int oo, int os) {
        for (int t = 0; t < 4; t++) {
            for (int r = 0; r < 4; r++) {
                float s = sum(FloatVector.fromArray(F, acc, ao + (t * 4 + r) * L));
                for (int i = tail; i < n; i++) {
                    s += w[r * n + i] * x[xo + t * n + i];
                }
                out[oo + t * os + r] = s;
            }
        }
    }

    /** Whether the blocked 4x4 kernels ({@link #mma4x4}) can run on this machine. */
    public static boolean blockedKernels() {
        return VECTOR;
    }

    /** Per thread, siluMul's {@code e^-x} (reused; grown to the widest range asked). */
    private static final ThreadLocal<float[]> SILU_EXP = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * SwiGLU in place: {@code g[i] = silu(g[i]) * u[i]} for {@code from <= i < to}. With vector lanes, {@code e^-x}
     * comes from attention's exponential ({@link AttentionKernels#expSum}: multiply-adds, within 2 ulp), so a value's
     * result is the same interpreted and compiled: the Vector API's own {@code EXP} is {@link Math#exp} per lane in
     * the interpreter and a library call once compiled, which differ in the last bit now and then, and a prefill chunk
     * that ran while C2 compiled this loop stored other keys than the same chunk run again. {@code x} is clamped at
     * -88 first, where {@code e^-x} still has an exponent (beyond it the true silu is below 1e-36 in magnitude).
     */
    public static void siluMul(float[] g, float[] u, int from, int to) {
        if (!VECTOR) {
            for (int i = from; i < to; i++) {
                float x = g[i];
                g[i] = x / (1f + (float) Math.exp(-x)) * u[i];
            }
            return;
        }
        int n = to - from;
        int end = (n + L - 1) / L * L;
        float[] e = SILU_EXP.get();
        if (e.length < end) {
            e = new float[end];
            SILU_EXP.set(e);
        }
        int i = 0;
        for (; i < F.loopBound(n); i += L) {
            FloatVector.fromArray(F, g, from + i).max(-88f).intoArray(e, i);
        }
        for (; i < n; i++) {
            e[i] = Math.max(g[from + i], -88f);
        }
        AttentionKernels.expSum(e, 0, end, -1f, 0f); // lanes past n: whatever e held, never read
        for (i = 0; i < F.loopBound(n); i += L) {
            FloatVector x = FloatVector.fromArray(F, g, from + i);
            x.div(FloatVector.fromArray(F, e, i).add(1f)).mul(FloatVector.fromArray(F, u, from + i)).intoArray(g, from + i);
        }
        for (; i < n; i++) {
            g[from + i] = g[from + i] / (1f + e[i]) * u[from + i];
        }
    }

    /**
     * L halves from {@code h[ho..]} as floats, exactly as {@link Float#float16ToFloat}: the JDK 25 Vector API has
     * no half lanes, so the bits are moved into place (exponent and mantissa shifted by 13, then a multiply
     * by 2^112 rebiases the exponent, exact for normal and subnormal values alike; infinities get an all-ones
     * exponent, NaNs that and the quiet bit over their payload, as the JDK's conversion) and the sign is put back.
     */
    static FloatVector halves(short[] h, int ho) {
        IntVector u = ((IntVector) ShortVector.fromArray(H, h, ho).convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF);
        IntVector em = u.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector finite = em.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> inf = em.compare(VectorOperators.EQ, 0x7C00 << 13);
        VectorMask<Integer> nan = em.compare(VectorOperators.GT, 0x7C00 << 13);
        IntVector bits = finite.blend(em.or(0x7F800000), inf).blend(em.or(0x7FC00000), nan)
                .or(u.and(0x8000).lanewise(VectorOperators.LSHL, 16));
        return bits.reinterpretAsFloats();
    }

    /** {@code out[oo..oo+n) = h[ho..ho+n)} as floats, bit for bit as {@link Float#float16ToFloat}. */
    public static void widenHalves(short[] h, int ho, float[] out, int oo, int n) {
        int i = 0;
        if (VECTOR && n >= L) {
            int bound = F.loopBound(n);
            for (; i < bound; i += L) {
                halves(h, ho + i).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = Float.float16ToFloat(h[ho + i]);
        }
    }

    /**
     * {@link #widenHalves} for halves known to be finite (no infinity, no NaN): four operations a vector instead of
     * twelve. The sign-extended half shifted by 13 has its sign at bit 31 and its exponent and mantissa at 27..13; the
     * mask clears the sign's copies above, and 2^112 rebiases the exponent, exact for normal and subnormal halves.
     */
    public static void widenFiniteHalves(short[] h, int ho, float[] out, int oo, int n) {
        int i = 0;
        if (VECTOR && n >= L) {
            int bound = F.loopBound(n);
            for (; i < bound; i += L) {
                ((IntVector) ShortVector.fromArray(H, h, ho + i).convertShape(VectorOperators.S2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = Float.float16ToFloat(h[ho + i]);
        }
    }

    /** {@code out[oo + i] = d[dOff + i] * q[qo + i]} for {@code i < n}: int8 values, each with its own scale. */
    public static void scaleBytes(byte[] q, int qo, float[] d, int dOff, float[] out, int oo, int n) {
        int i = 0;
        if (VECTOR) {
            for (; i + L <= n; i += L) {
                ((FloatVector) ByteVector.fromArray(B, q, qo + i).convertShape(VectorOperators.B2F, F, 0))
                        .mul(FloatVector.fromArray(F, d, dOff + i)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = d[dOff + i] * q[qo + i];
        }
    }

    /**
     * {@code out[0..n) = d[dOff + i / 32] * q[qo + i]}: a row of Q8_0 blocks (n a multiple of 32) as floats,
     * each value rounded once, as the scalar product.
     */
    public static void widenQ8(byte[] q, int qo, float[] d, int dOff, float[] out, int n) {
        for (int b = 0; b < n / 32; b++) {
            float s = d[dOff + b];
            int i = 0;
            if (VECTOR && L <= 32) {
                FloatVector sv = FloatVector.broadcast(F, s);
                for (; i < 32; i += L) {
                    ((FloatVector) ByteVector.fromArray(B, q, qo + 32 * b + i).convertShape(VectorOperators.B2F, F, 0)).mul(sv)
                            .intoArray(out, 32 * b + i);
                }
            }
            for (; i < 32; i++) {
                out[32 * b + i] = s * q[qo + 32 * b + i];
            }
        }
    }

    /** {@code y[yo..] += a * x[xo..]} over n elements. */
    public static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (VECTOR && n >= L) {
            FloatVector av = FloatVector.broadcast(F, a);
            int bound = F.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector.fromArray(F, x, xo + i).fma(av, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** Dot of an F32 row stored in a segment with {@code x[xo..xo+n)}. */
    public static float dotF32(MemorySegment w, long off, float[] x, int xo, int n) {
        int i = 0;
        float sum = 0f;
        if (VECTOR && n >= L) {
            FloatVector acc = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += L) {
                acc = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), acc);
            }
            sum = sum(LoopCarried.FLOATS.add(acc));
        }
        for (; i < n; i++) {
            sum += w.get(F32, off + 4L * i) * x[xo + i];
        }
        return sum;
    }

    /** Dot of a Q8_0 row ({@code n/32} blocks of f16 scale + 32 int8) with {@code x[xo..xo+n)}, any lane count. */
    private static float dotQ8_0Generic(MemorySegment w, long off, float[] x, int xo, int n) {
        int blocks = n >> 5;
        if (!VECTOR) {
            float sum = 0;
            for (int b = 0; b < blocks; b++) {
                long bo = off + 34L * b;
                float d = Float.float16ToFloat(w.get(F16, bo));
                float s = 0;
                for (int j = 0; j < 32; j++) {
                    s += w.get(ValueLayout.JAVA_BYTE, bo + 2 + j) * x[xo + 32 * b + j];
                }
                sum += d * s;
            }
            return sum;
        }
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            int xb = xo + 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 32; j += L) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(B, w, bo + 2 + j, LE)
                        .convertShape(VectorOperators.B2F, F, 0);
                s = q.fma(FloatVector.fromArray(F, x, xb + j), s);
            }
            acc = FloatVector.broadcast(F, Float.float16ToFloat(w.get(F16, bo))).fma(s, acc); // s, carried, as an argument
        }
        return sum(LoopCarried.FLOATS.add(acc));
    }

    /** Dot of a Q4_0 row ({@code n/32} blocks of f16 scale + 16 bytes of nibbles) with {@code x}, any lane count. */
    private static float dotQ4_0Generic(MemorySegment w, long off, float[] x, int xo, int n) {
        int blocks = n >> 5;
        if (!VECTOR) {
            float sum = 0;
            for (int b = 0; b < blocks; b++) {
                long bo = off + 18L * b;
                float d = Float.float16ToFloat(w.get(F16, bo));
                float s = 0;
                for (int j = 0; j < 16; j++) {
                    int q = w.get(ValueLayout.JAVA_BYTE, bo + 2 + j) & 0xFF;
                    s += ((q & 0xF) - 8) * x[xo + 32 * b + j] + ((q >>> 4) - 8) * x[xo + 32 * b + 16 + j];
                }
                sum += d * s;
            }
            return sum;
        }
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long bo = off + 18L * b;
            int xb = xo + 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, bo + 2 + j, LE);
                FloatVector lo = (FloatVector) q.and((byte) 0xF).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
                s = lo.fma(FloatVector.fromArray(F, x, xb + j), s);
                s = hi.fma(FloatVector.fromArray(F, x, xb + 16 + j), s);
            }
            acc = FloatVector.broadcast(F, Float.float16ToFloat(w.get(F16, bo))).fma(s, acc); // s, carried, as an argument
        }
        return sum(LoopCarried.FLOATS.add(acc));
    }

    /**
     * Q4_0 row dot product for 16-lane vectors: two blocks per iteration with independent accumulators.
     * Block scales are read in the same pass as the quants (a separate pass over the scales first makes
     * two trips through each row, which costs more than it saves once rows stream from memory).
     */
    private static float dotQ4_0x16(MemorySegment w, long off, float[] x, int xo, int n, float[] blockSums) {
        int blocks = n >> 5;
        int sb = xo >> 5;
        // sum_i d*(q_i - 8)*x_i = d*sum_i q_i*x_i - 8*d*sum_i x_i: the second term from the block sums of x
        float corr = 0;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long bo = off + 18L * b;
            int xb = xo + 32 * b;
            float d0 = Float.float16ToFloat(w.get(F16, bo));
            float d1 = Float.float16ToFloat(w.get(F16, bo + 18));
            a0 = q4Block(w, bo, x, xb).fma(FloatVector.broadcast(F, d0), a0);
            a1 = q4Block(w, bo + 18, x, xb + 32).fma(FloatVector.broadcast(F, d1), a1);
            corr += d0 * blockSums[sb + b] + d1 * blockSums[sb + b + 1];
        }
        if (b < blocks) {
            long bo = off + 18L * b;
            float d0 = Float.float16ToFloat(w.get(F16, bo));
            a0 = q4Block(w, bo, x, xo + 32 * b).fma(FloatVector.broadcast(F, d0), a0);
            corr += d0 * blockSums[sb + b];
        }
        return sum(LoopCarried.FLOATS.add(a0).add(a1)) - 8 * corr;
    }

    /** Unscaled {@code sum q_i * x_i} lane-wise over one Q4_0 block at {@code bo} (nibbles 0..15, not re-centred). */
    private static FloatVector q4Block(MemorySegment w, long bo, float[] x, int xb) {
        IntVector q = (IntVector) ByteVector.fromMemorySegment(B, w, bo + 2, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        FloatVector lo = (FloatVector) q.and(0xF).convertShape(VectorOperators.I2F, F, 0);
        FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0);
        return lo.fma(FloatVector.fromArray(F, x, xb), hi.mul(FloatVector.fromArray(F, x, xb + 16)));
    }

    /** Sums of {@code x[32*b .. 32*b+32)} for each 32-block of {@code x[0..n)} (n a multiple of 32). */
    public static float[] blockSums(float[] x, int n) {
        float[] s = new float[n >> 5];
        for (int b = 0; b < s.length; b++) {
            if (VECTOR) {
                FloatVector v = FloatVector.fromArray(F, x, 32 * b);
                for (int j = L; j < 32; j += L) {
                    v = FloatVector.fromArray(F, x, 32 * b + j).add(v);
                }
                s[b] = sum(LoopCarried.FLOATS.add(v));
            } else {
                float t = 0;
                for (int j = 0; j < 32; j++) {
                    t += x[32 * b + j];
                }
                s[b] = t;
            }
        }
        return s;
    }

    /** Q8_0 row dot product for 16-lane vectors: two blocks per iteration (see {@link #dotQ4_0x16}). */
    private static float dotQ8_0x16(MemorySegment w, long off, float[] x, int xo, int n) {
        int blocks = n >> 5;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long bo = off + 34L * b;
            int xb = xo + 32 * b;
            a0 = q8Block(w, bo, x, xb).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(F16, bo))), a0);
            a1 = q8Block(w, bo + 34, x, xb + 32).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(F16, bo + 34))), a1);
        }
        if (b < blocks) {
            long bo = off + 34L * b;
            a0 = q8Block(w, bo, x, xo + 32 * b).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(F16, bo))), a0);
        }
        return sum(LoopCarried.FLOATS.add(a0).add(a1));
    }

    /** Unscaled {@code sum q_i * x_i} lane-wise over one Q8_0 block at {@code bo}. */
    private static FloatVector q8Block(MemorySegment w, long bo, float[] x, int xb) {
        FloatVector lo = (FloatVector) ByteVector.fromMemorySegment(B, w, bo + 2, LE).convertShape(VectorOperators.B2F, F, 0);
        FloatVector hi = (FloatVector) ByteVector.fromMemorySegment(B, w, bo + 18, LE).convertShape(VectorOperators.B2F, F, 0);
        return lo.fma(FloatVector.fromArray(F, x, xb), hi.mul(FloatVector.fromArray(F, x, xb + 16)));
    }

    /** Dot of a Q8_0 row ({@code n/32} blocks of f16 scale + 32 int8) with {@code x[xo..xo+n)}. */
    public static float dotQ8_0(MemorySegment w, long off, float[] x, int xo, int n) {
        return L == 16 ? dotQ8_0x16(w, off, x, xo, n) : dotQ8_0Generic(w, off, x, xo, n);
    }

    /**
     * Dot of a Q4_0 row with {@code x[xo..xo+n)}, given the 32-block sums of {@code x} (from
     * {@link #blockSums}, indexed from {@code xo/32}; used by the 16-lane fast path).
     */
    public static float dotQ4_0(MemorySegment w, long off, float[] x, int xo, int n, float[] blockSums) {
        return L == 16 && (xo & 31) == 0 ? dotQ4_0x16(w, off, x, xo, n, blockSums) : dotQ4_0Generic(w, off, x, xo, n);
    }

    /**
     * Q4_K row dot product (16-lane vectors): per 256-value block, eight 32-value sub-blocks with 6-bit
     * scales and mins; {@code y = d*sc*q - dmin*m}. The min terms use the 32-block sums of x.
     */
    public static float dotQ4_K(MemorySegment w, long off, float[] x, int xo, int n, float[] blockSums) {
        int blocks = n >> 8;
        // two accumulators (low and high nibbles) so consecutive FMAs do not wait on each other
        FloatVector accLo = FloatVector.zero(F);
        FloatVector accHi = accLo;
        float mins = 0;
        for (int blk = 0; blk < blocks; blk++) {
            long bo = off + 144L * blk;
            float d = Float.float16ToFloat(w.get(F16, bo));
            float dmin = Float.float16ToFloat(w.get(F16, bo + 2));
            // the 12 packed scale/min bytes in two loads instead of twelve
            long packed = w.get(I64, bo + 4);
            int high = w.get(I32, bo + 12);
            int xb = xo + 256 * blk;
            int sb = xb >> 5;
            for (int c = 0; c < 4; c++) {
                long q = bo + 16 + 32L * c;
                int xc = xb + 64 * c;
                IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector qb = (IntVector) ByteVector.fromMemorySegment(B, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                FloatVector la = (FloatVector) qa.and(0xF).convertShape(VectorOperators.I2F, F, 0);
                FloatVector lb = (FloatVector) qb.and(0xF).convertShape(VectorOperators.I2F, F, 0);
                FloatVector ha = (FloatVector) qa.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0);
                FloatVector hb = (FloatVector) qb.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0);
                FloatVector lo = la.fma(FloatVector.fromArray(F, x, xc), lb.mul(FloatVector.fromArray(F, x, xc + 16)));
                FloatVector hi = ha.fma(FloatVector.fromArray(F, x, xc + 32), hb.mul(FloatVector.fromArray(F, x, xc + 48)));
                accLo = lo.fma(FloatVector.broadcast(F, d * k4Scale(packed, high, 2 * c)), accLo);
                accHi = hi.fma(FloatVector.broadcast(F, d * k4Scale(packed, high, 2 * c + 1)), accHi);
                mins += dmin * (k4Min(packed, high, 2 * c) * blockSums[sb + 2 * c] + k4Min(packed, high, 2 * c + 1) * blockSums[sb + 2 * c + 1]);
            }
        }
        return sum(LoopCarried.FLOATS.add(accLo).add(accHi)) - mins;
    }

    /**
     * 6-bit scale of sub-block {@code s} (0..7) of a Q4_K block, from its scale bytes 0..7 as a little-endian
     * long ({@code packed}: scales 0..3 then mins 0..3, top 2 bits borrowed by sub-blocks 4..7) and bytes
     * 8..11 as an int ({@code high}: low nibbles scales 4..7, high nibbles mins 4..7).
     */
    static int k4Scale(long packed, int high, int s) {
        if (s < 4) {
            return (int) (packed >>> (8 * s)) & 63;
        }
        int j = s - 4;
        return ((high >>> (8 * j)) & 0xF) | (((int) (packed >>> (8 * j)) & 0xC0) >>> 2);
    }

    /** 6-bit min of sub-block {@code s} of a Q4_K block (see {@link #k4Scale}). */
    static int k4Min(long packed, int high, int s) {
        if (s < 4) {
            return (int) (packed >>> (32 + 8 * s)) & 63;
        }
        int j = s - 4;
        return ((high >>> (8 * j + 4)) & 0xF) | (((int) (packed >>> (32 + 8 * j)) & 0xC0) >>> 2);
    }

    /**
     * Q6_K row dot product (16-lane vectors): per 256-value block, 6-bit values (4 low bits in ql, 2 high
     * bits in qh) minus 32, one int8 scale per 16 values, one f16 scale per block.
     */
    public static float dotQ6_K(MemorySegment w, long off, float[] x, int xo, int n) {
        int blocks = n >> 8;
        // one accumulator per quarter so consecutive FMAs do not wait on each other
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = acc1;
        FloatVector acc3 = acc1;
        FloatVector acc4 = acc1;
        for (int blk = 0; blk < blocks; blk++) {
            long bo = off + 210L * blk;
            float d = Float.float16ToFloat(w.get(F16, bo + 208));
            int xb = xo + 256 * blk;
            for (int h = 0; h < 2; h++) {
                for (int half = 0; half < 2; half++) {
                    int l = 16 * half;
                    IntVector a = ((IntVector) ByteVector.fromMemorySegment(B, w, bo + 64L * h + l, LE)
                            .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                    IntVector b = ((IntVector) ByteVector.fromMemorySegment(B, w, bo + 64L * h + 32 + l, LE)
                            .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                    IntVector hh = ((IntVector) ByteVector.fromMemorySegment(B, w, bo + 128 + 32L * h + l, LE)
                            .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                    IntVector q1 = a.and(0xF).or(hh.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q2 = b.and(0xF).or(hh.lanewise(VectorOperators.LSHR, 2).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q3 = a.lanewise(VectorOperators.LSHR, 4).or(hh.lanewise(VectorOperators.LSHR, 4).and(3)
                            .lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q4 = b.lanewise(VectorOperators.LSHR, 4).or(hh.lanewise(VectorOperators.LSHR, 6)
                            .lanewise(VectorOperators.LSHL, 4)).sub(32);
                    long sc = bo + 192 + 8L * h + half;
                    int base = xb + 128 * h + l;
                    acc1 = ((FloatVector) q1.convertShape(VectorOperators.I2F, F, 0)).mul(FloatVector.fromArray(F, x, base))
                            .fma(FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc)), acc1);
                    acc2 = ((FloatVector) q2.convertShape(VectorOperators.I2F, F, 0)).mul(FloatVector.fromArray(F, x, base + 32))
                            .fma(FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 2)), acc2);
                    acc3 = ((FloatVector) q3.convertShape(VectorOperators.I2F, F, 0)).mul(FloatVector.fromArray(F, x, base + 64))
                            .fma(FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 4)), acc3);
                    acc4 = ((FloatVector) q4.convertShape(VectorOperators.I2F, F, 0)).mul(FloatVector.fromArray(F, x, base + 96))
                            .fma(FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 6)), acc4);
                }
            }
        }
        return sum(LoopCarried.FLOATS.add(acc1).add(acc2).add(LoopCarried.FLOATS.add(acc3).add(acc4)));
    }

    /** Vectorized dequantization of a Q4_K row (16-lane vectors) into {@code y[yo..yo+n)}. */
    public static void dequantQ4_K(MemorySegment w, long off, float[] y, int yo, int n) {
        int blocks = n >> 8;
        int[] sc = new int[8];
        int[] mn = new int[8];
        for (int blk = 0; blk < blocks; blk++) {
            long bo = off + 144L * blk;
            float d = Float.float16ToFloat(w.get(F16, bo));
            float dmin = Float.float16ToFloat(w.get(F16, bo + 2));
            for (int j = 0; j < 4; j++) {
                int a = w.get(ValueLayout.JAVA_BYTE, bo + 4 + j) & 0xFF;
                int m = w.get(ValueLayout.JAVA_BYTE, bo + 8 + j) & 0xFF;
                int h = w.get(ValueLayout.JAVA_BYTE, bo + 12 + j) & 0xFF;
                sc[j] = a & 63;
                mn[j] = m & 63;
                sc[j + 4] = (h & 0xF) | ((a >>> 6) << 4);
                mn[j + 4] = (h >>> 4) | ((m >>> 6) << 4);
            }
            int yb = yo + 256 * blk;
            for (int c = 0; c < 4; c++) {
                long q = bo + 16 + 32L * c;
                int yc = yb + 64 * c;
                FloatVector d1 = FloatVector.broadcast(F, d * sc[2 * c]);
                FloatVector m1 = FloatVector.broadcast(F, dmin * mn[2 * c]);
                FloatVector d2 = FloatVector.broadcast(F, d * sc[2 * c + 1]);
                FloatVector m2 = FloatVector.broadcast(F, dmin * mn[2 * c + 1]);
                for (int part = 0; part < 2; part++) {
                    ByteVector qv = ByteVector.fromMemorySegment(B, w, q + 16L * part, LE);
                    FloatVector lo = (FloatVector) qv.and((byte) 0xF).convertShape(VectorOperators.B2F, F, 0);
                    FloatVector hi = (FloatVector) qv.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 0xF).convertShape(VectorOperators.B2F, F, 0);
                    d1.mul(lo).sub(m1).intoArray(y, yc + 16 * part);
                    d2.mul(hi).sub(m2).intoArray(y, yc + 32 + 16 * part);
                }
            }
        }
    }

    /** Vectorized dequantization of a Q6_K row (16-lane vectors) into {@code y[yo..yo+n)}. */
    public static void dequantQ6_K(MemorySegment w, long off, float[] y, int yo, int n) {
        int blocks = n >> 8;
        for (int blk = 0; blk < blocks; blk++) {
            long bo = off + 210L * blk;
            float d = Float.float16ToFloat(w.get(F16, bo + 208));
            int yb = yo + 256 * blk;
            for (int h = 0; h < 2; h++) {
                for (int half = 0; half < 2; half++) {
                    int l = 16 * half;
                    IntVector a = ((IntVector) ByteVector.fromMemorySegment(B, w, bo + 64L * h + l, LE)
                            .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                    IntVector b = ((IntVector) ByteVector.fromMemorySegment(B, w, bo + 64L * h + 32 + l, LE)
                            .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                    IntVector hh = ((IntVector) ByteVector.fromMemorySegment(B, w, bo + 128 + 32L * h + l, LE)
                            .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                    IntVector q1 = a.and(0xF).or(hh.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q2 = b.and(0xF).or(hh.lanewise(VectorOperators.LSHR, 2).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q3 = a.lanewise(VectorOperators.LSHR, 4).or(hh.lanewise(VectorOperators.LSHR, 4).and(3)
                            .lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q4 = b.lanewise(VectorOperators.LSHR, 4).or(hh.lanewise(VectorOperators.LSHR, 6)
                            .lanewise(VectorOperators.LSHL, 4)).sub(32);
                    long sc = bo + 192 + 8L * h + half;
                    int base = yb + 128 * h + l;
                    FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc))
                            .mul((FloatVector) q1.convertShape(VectorOperators.I2F, F, 0)).intoArray(y, base);
                    FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 2))
                            .mul((FloatVector) q2.convertShape(VectorOperators.I2F, F, 0)).intoArray(y, base + 32);
                    FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 4))
                            .mul((FloatVector) q3.convertShape(VectorOperators.I2F, F, 0)).intoArray(y, base + 64);
                    FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 6))
                            .mul((FloatVector) q4.convertShape(VectorOperators.I2F, F, 0)).intoArray(y, base + 96);
                }
            }
        }
    }

    /** Whether {@link #dotQ4_K} and {@link #dotQ6_K} can run here (16 float lanes). */
    public static boolean hasQ4KKernel() {
        return L == 16;
    }

    /** Vectorized dequantization of a Q8_0 row into {@code y[yo..yo+n)}. */
    public static void dequantQ8_0(MemorySegment w, long off, float[] y, int yo, int n) {
        int blocks = n >> 5;
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            float d = Float.float16ToFloat(w.get(F16, bo));
            if (VECTOR) {
                FloatVector dv = FloatVector.broadcast(F, d);
                for (int j = 0; j < 32; j += L) {
                    ((FloatVector) ByteVector.fromMemorySegment(B, w, bo + 2 + j, LE).convertShape(VectorOperators.B2F, F, 0))
                            .mul(dv).intoArray(y, yo + 32 * b + j);
                }
            } else {
                for (int j = 0; j < 32; j++) {
                    y[yo + 32 * b + j] = d * w.get(ValueLayout.JAVA_BYTE, bo + 2 + j);
                }
            }
        }
    }

    /** Vectorized dequantization of a Q4_0 row into {@code y[yo..yo+n)}. */
    public static void dequantQ4_0(MemorySegment w, long off, float[] y, int yo, int n) {
        int blocks = n >> 5;
        for (int b = 0; b < blocks; b++) {
            long bo = off + 18L * b;
            float d = Float.float16ToFloat(w.get(F16, bo));
            if (VECTOR) {
                FloatVector dv = FloatVector.broadcast(F, d);
                for (int j = 0; j < 16; j += L) {
                    ByteVector q = ByteVector.fromMemorySegment(B, w, bo + 2 + j, LE);
                    ((FloatVector) q.and((byte) 0xF).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0))
                            .mul(dv).intoArray(y, yo + 32 * b + j);
                    ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0))
                            .mul(dv).intoArray(y, yo + 32 * b + 16 + j);
                }
            } else {
                for (int j = 0; j < 16; j++) {
                    int q = w.get(ValueLayout.JAVA_BYTE, bo + 2 + j) & 0xFF;
                    y[yo + 32 * b + j] = d * ((q & 0xF) - 8);
                    y[yo + 32 * b + 16 + j] = d * ((q >>> 4) - 8);
                }
            }
        }
    }

    /**
     * Whether the {@code bytes / 2} halves at {@code off} are all finite (no exponent of all ones). Decode's F16 kernel
     * converts only finite halves exactly (see {@link #dotHalfRows}); a matrix holding an infinity or a NaN takes the
     * exact conversion instead. Four halves a step in a long, no vector classes: this runs once per matrix, before the
     * JIT has compiled it, and vector code run that way teaches the Vector API's shared methods types the kernels never
     * use (see {@link LoopCarried}).
     */
    public static boolean halvesFinite(MemorySegment w, long off, long bytes) {
        long i = 0;
        for (; i + 8 <= bytes; i += 8) {
            // a half's exponent bits all ones <=> those bits of its complement all zero <=> their lane minus one borrows
            long exponents = ~w.get(I64, off + i) & 0x7C007C007C007C00L;
            if (((exponents - 0x0400040004000400L) & ~exponents & 0x8000800080008000L) != 0) {
                return false;
            }
        }
        for (; i + 2 <= bytes; i += 2) {
            if ((w.get(F16, off + i) & 0x7C00) == 0x7C00) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code out[o + r] = row r . x[0..n)} for the {@code rows} F16 or BF16 rows from {@code off} on, whose length {@code n}
     * is a multiple of {@link #rowStep()}; {@code scratch} holds at least L + n floats. F16 rows must hold no infinity or
     * NaN ({@link #halvesFinite}): a half's exponent and mantissa shifted into a float's make the float 2^-112 times the
     * half, exact for normal and subnormal halves alike, and x is scaled by 2^56 once for all rows, so each product comes
     * out 2^-56 times the true one, exactly, and the sum is scaled back: two instructions a vector of halves where the
     * JDK's conversion ({@link #halves(short[], int)}) takes eight. A bfloat16 is the top half of a float: a shift.
     *
     * <p>The rows are one stream, each step's two vectors of halves (a cache line at 16 lanes) loaded two steps ahead of
     * their products, across the end of a row too, as {@code QuantTiles.q8Matvec4}'s quant groups. One thread, a 512 MiB
     * F16 matrix, a row at a time: without the look-ahead 16.2-16.5 GB/s, a step ahead 24.2-24.4, two 27.0-33.8, four
     * 15.9-17.4; four rows sharing each load of x (four streams, a step ahead) 17.3. TinyLlama F16 decode on two threads:
     * a row at a time a step ahead 14.0 tok/s, the rows as one stream 16.9, without the multiply by 2^112 15.4-17.6 (three
     * runs; this host's noise is larger than that instruction), two steps ahead 16.3-16.7.
     */
    public static void dotHalfRows(boolean bfloat, MemorySegment w, long off, int rows, int n, float[] x, float[] out, int o,
                                   float[] scratch) {
        float[] xs = x;
        if (!bfloat) {
            xs = scratch;
            for (int i = 0; i < n; i++) {
                xs[L + i] = x[i] * 0x1p56f;
            }
        }
        int xo = bfloat ? 0 : L;
        float unscale = bfloat ? 1f : 0x1p56f;
        long step = 4L * L;
        long last = off + (long) rows * 2 * n - step;
        long second = Math.min(off + step, last);
        IntVector nu = (IntVector) ShortVector.fromMemorySegment(H, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector nv = (IntVector) ShortVector.fromMemorySegment(H, w, off + 2L * L, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector fu = (IntVector) ShortVector.fromMemorySegment(H, w, second, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector fv = (IntVector) ShortVector.fromMemorySegment(H, w, second + 2L * L, LE).convertShape(VectorOperators.S2I, I, 0);
        long at = off;
        int block = halfRowBlock; // not a constant to C2: see halfRowBlock
        for (int r = 0; r < rows; r++) {
            FloatVector a = FloatVector.zero(F);
            FloatVector b = a;
            for (int i0 = 0; i0 < n; i0 += block) {
                int end = Math.min(i0 + block, n); // a row's last block may be short
                // nu, nv (this step's) and fu, fv (the next one's) carried, widened where they are loaded (a vector the
                // zero is added to must be one C2 knows the class of, as the halves just loaded, not the zero added to
                // them: see LoopCarried)
                for (int i = i0; i < end; i += 2 * L) {
                    IntVector u = IntVector.zero(I).add(nu);
                    IntVector v = IntVector.zero(I).add(nv);
                    nu = fu;
                    nv = fv;
                    at += step;
                    long next = Math.min(at + step, last);
                    fu = (IntVector) ShortVector.fromMemorySegment(H, w, next, LE).convertShape(VectorOperators.S2I, I, 0);
                    fv = (IntVector) ShortVector.fromMemorySegment(H, w, next + 2L * L, LE).convertShape(VectorOperators.S2I, I, 0);
                    FloatVector xu = FloatVector.fromArray(F, xs, xo + i);
                    FloatVector xv = FloatVector.fromArray(F, xs, xo + i + L);
                    if (bfloat) {
                        a = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xu, a);
                        b = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xv, b);
                    } else {
                        // sign-extended, so the shift leaves the sign in bit 31 and the mask clears its copies above the exponent
                        a = u.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(xu, a);
                        b = v.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(xv, b);
                    }
                }
            }
            // the sum through an array: passed to sum(), a vector that C2 did not inline it for would be boxed, once a row
            LoopCarried.FLOATS.add(a).add(b).intoArray(scratch, 0);
            out[o + r] = sumLanes(scratch, 0) * unscale;
        }
    }

    /**
     * {@link #dotHalfRows}'s stride from block to block along a row (8 steps of 2 * L), read from a volatile field so
     * that C2 does not know it: the loop over blocks is then not a counted loop and C2 does not unroll it, while the loop
     * of at most 8 steps inside it C2 compiles on its own. A row loop of single steps as a counted loop, C2 unrolled two
     * steps an iteration (with a pre- and a post-loop for each 64-step row), and TinyLlama F16's 2048-column matrices
     * streamed at 30-34 GB/s on two Zen 5 threads against 42-57 left rolled; and whether it unrolled turned on what the JVM
     * had run before it compiled (a confined arena opened and closed first tipped its size estimate), so F16 decode ran at
     * 15 or at 20 tok/s from one JVM to the next. Single steps in a loop that is not counted ran at 42-57, the down
     * projection (5632 columns) at 30-32 (a bounds check on x and a safepoint poll every step); in blocks, 38-43 for the
     * down projection and 5-10% more for the rest. A block loop of a constant 8 steps with the row's last steps in a loop
     * of their own streamed no faster than this one loop ending at the row's end (step of the products 41.0-53.4 ms
     * against 42.9-54.5, alternating JVMs).
     */
    private static volatile int halfRowBlock = 8 * 2 * L;

    /** The row lengths (a multiple of this) and machines (this above 0) {@link #dotHalfRows} takes. */
    public static int rowStep() {
        return VECTOR ? 2 * L : 0;
    }

    /**
     * Dot of one F16 row at {@code off} with {@code x[xo..xo+n)}, exact for every half (infinities and NaNs too): the rows
     * {@link #dotHalfRows} does not take, a scalar loop (see {@link #halvesFinite} for why no vectors).
     */
    public static float dotF16(MemorySegment w, long off, float[] x, int xo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += Float.float16ToFloat(w.get(F16, off + 2L * i)) * x[xo + i];
        }
        return s;
    }

    /** Dot of one BF16 row at {@code off} with {@code x[xo..xo+n)}: the rows {@link #dotHalfRows} does not take. */
    public static float dotBF16(MemorySegment w, long off, float[] x, int xo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += Float.intBitsToFloat(w.get(F16, off + 2L * i) << 16) * x[xo + i];
        }
        return s;
    }

    /**
     * An F16 row into {@code y[yo..yo+n)}, exactly as {@link Float#float16ToFloat} (one instruction a half): a scalar loop,
     * as the token embedding's row is dequantized from code the JIT compiles without the vector classes (see
     * {@link #halvesFinite}).
     */
    public static void dequantF16(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Float.float16ToFloat(w.get(F16, off + 2L * i));
        }
    }

    /** A BF16 row into {@code y[yo..yo+n)}. */
    public static void dequantBF16(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Float.intBitsToFloat(w.get(F16, off + 2L * i) << 16);
        }
    }

    /** Copies an F32 row from a segment. */
    public static void copyF32(MemorySegment w, long off, float[] y, int yo, int n) {
        MemorySegment.copy(w, F32, off, y, yo, n);
    }
}
