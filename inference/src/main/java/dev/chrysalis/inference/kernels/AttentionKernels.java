package dev.chrysalis.inference.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The arithmetic of attention on float blocks, four queries at a time: scores against blocks of keys stored
 * dimension by dimension (keys are lanes, so there is no horizontal sum), a softmax over a row, and the
 * probability-weighted sum of value rows. Each key vector and each
 * value row loaded serves four queries, so the loops are multiply-adds fed from L1, as in the weight
 * kernels ({@link TiledBatch}).
 *
 * <p>Every result is the same whether the code runs interpreted or compiled: sums run in a fixed order,
 * and {@link #exp} is built from multiply-adds (the Vector API's own {@code EXP} is a library call once
 * compiled and {@link Math#exp} before, which may differ in the last bit).
 *
 * <p>Needs vector lanes ({@link #available()}); callers keep a scalar path for machines without.
 */
public final class AttentionKernels {

    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = VectorKernels.L;
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that {@code n * LN2_HI} is exact for the exponents used. */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Below this, e^x is under the smallest normal float; inputs are clamped to it. */
    static final float EXP_MIN = -87.33f;

    private AttentionKernels() {
    }

    /** Whether these kernels run here (vector lanes of 8 or 16 floats). */
    public static boolean available() {
        return VectorKernels.VECTOR;
    }

    /** Float lanes per vector: blocks of keys are padded to a multiple of this. */
    public static int lanes() {
        return L;
    }

    /**
     * {@code s[si + j] = q[qi .. qi + dims) . key j} for the four queries {@code i} and keys {@code j < n}
     * ({@code n} a multiple of {@link #lanes()}). The keys are in blocks of {@link #keyBlock()}, each
     * dimension by dimension: key j's dimension d is at {@code k[ko + (j / B) * dims * B + d * B + j % B]}.
     */
    public static void scores4(float[] q, int q0, int q1, int q2, int q3, int dims, float[] k, int ko, int n,
                               float[] s, int s0, int s1, int s2, int s3) {
        int block = 4 * L;
        for (int j = 0; j < n; j += block) {
            int kb = ko + j / block * dims * block;
            if (j + block <= n) {
                outer4x4(k, kb, block, dims, q, q0, q1, q2, q3, s, s0 + j, s1 + j, s2 + j, s3 + j, false);
            } else {
                for (int c = 0; j + c < n; c += L) {
                    outer4x1(k, kb + c, block, dims, q, q0, q1, q2, q3, s, s0 + j + c, s1 + j + c, s2 + j + c, s3 + j + c, false);
                }
            }
        }
    }

    /** Keys per block of {@link #scores4}'s layout: four vectors of lanes. */
    public static int keyBlock() {
        return 4 * L;
    }

    /**
     * The one product both steps of attention are: for four rows {@code i} of {@code x},
     * {@code out_i[oi + c] = sum_t x[xi + t] * m[mo + t * stride + c]} over {@code t < steps}, for the
     * {@code 4 * L} columns {@code c} from {@code mo}: 16 accumulators, four loads and four broadcasts a step.
     * With {@code add} the accumulators start from {@code out}'s values instead of zero: a sum split into runs of
     * steps, each carried to the next through {@code out}, has the bits of one run (a float stored and loaded is the
     * float, and the first product added to a stored +0 is the product, as added to the zero).
     *
     * <p>Each step's four vectors are loaded a step ahead of their products (the last step's twice), as
     * {@code QuantTiles.q8Matvec4}'s quant groups: a decode step's first pass over a long context reads the keys and
     * values from memory, and a load next to the sixteen products that wait on it stalls them and the loads behind.
     * The carried vectors are only ever arguments (see {@link LoopCarried}), so the products are
     * {@code x * m + acc}, the same bits as before.
     */
    private static void outer4x4(float[] m, int mo, int stride, int steps, float[] x, int x0, int x1, int x2, int x3,
                                 float[] out, int o0, int o1, int o2, int o3, boolean add) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector c2 = a0;
        FloatVector c3 = a0;
        FloatVector e0 = a0;
        FloatVector e1 = a0;
        FloatVector e2 = a0;
        FloatVector e3 = a0;
        // one branch for the sixteen loads (a choice per accumulator ran no faster, possibly slower, in the harness)
        if (add) {
            a0 = FloatVector.fromArray(F, out, o0);
            a1 = FloatVector.fromArray(F, out, o0 + L);
            a2 = FloatVector.fromArray(F, out, o0 + 2 * L);
            a3 = FloatVector.fromArray(F, out, o0 + 3 * L);
            b0 = FloatVector.fromArray(F, out, o1);
            b1 = FloatVector.fromArray(F, out, o1 + L);
            b2 = FloatVector.fromArray(F, out, o1 + 2 * L);
            b3 = FloatVector.fromArray(F, out, o1 + 3 * L);
            c0 = FloatVector.fromArray(F, out, o2);
            c1 = FloatVector.fromArray(F, out, o2 + L);
            c2 = FloatVector.fromArray(F, out, o2 + 2 * L);
            c3 = FloatVector.fromArray(F, out, o2 + 3 * L);
            e0 = FloatVector.fromArray(F, out, o3);
            e1 = FloatVector.fromArray(F, out, o3 + L);
            e2 = FloatVector.fromArray(F, out, o3 + 2 * L);
            e3 = FloatVector.fromArray(F, out, o3 + 3 * L);
        }
        int last = mo + (steps - 1) * stride;
        FloatVector n0 = FloatVector.fromArray(F, m, mo);
        FloatVector n1 = FloatVector.fromArray(F, m, mo + L);
        FloatVector n2 = FloatVector.fromArray(F, m, mo + 2 * L);
        FloatVector n3 = FloatVector.fromArray(F, m, mo + 3 * L);
        for (int t = 0; t < steps; t++) {
            FloatVector m0 = n0;
            FloatVector m1 = n1;
            FloatVector m2 = n2;
            FloatVector m3 = n3;
            int next = Math.min(mo + (t + 1) * stride, last);
            n0 = FloatVector.fromArray(F, m, next);
            n1 = FloatVector.fromArray(F, m, next + L);
            n2 = FloatVector.fromArray(F, m, next + 2 * L);
            n3 = FloatVector.fromArray(F, m, next + 3 * L);
            FloatVector v = FloatVector.broadcast(F, x[x0 + t]);
            a0 = v.fma(m0, a0);
            a1 = v.fma(m1, a1);
            a2 = v.fma(m2, a2);
            a3 = v.fma(m3, a3);
            v = FloatVector.broadcast(F, x[x1 + t]);
            b0 = v.fma(m0, b0);
            b1 = v.fma(m1, b1);
            b2 = v.fma(m2, b2);
            b3 = v.fma(m3, b3);
            v = FloatVector.broadcast(F, x[x2 + t]);
            c0 = v.fma(m0, c0);
            c1 = v.fma(m1, c1);
            c2 = v.fma(m2, c2);
            c3 = v.fma(m3, c3);
            v = FloatVector.broadcast(F, x[x3 + t]);
            e0 = v.fma(m0, e0);
            e1 = v.fma(m1, e1);
            e2 = v.fma(m2, e2);
            e3 = v.fma(m3, e3);
        }
        LoopCarried.FLOATS.add(a0).intoArray(out, o0);
        LoopCarried.FLOATS.add(a1).intoArray(out, o0 + L);
        LoopCarried.FLOATS.add(a2).intoArray(out, o0 + 2 * L);
        LoopCarried.FLOATS.add(a3).intoArray(out, o0 + 3 * L);
        LoopCarried.FLOATS.add(b0).intoArray(out, o1);
        LoopCarried.FLOATS.add(b1).intoArray(out, o1 + L);
        LoopCarried.FLOATS.add(b2).intoArray(out, o1 + 2 * L);
        LoopCarried.FLOATS.add(b3).intoArray(out, o1 + 3 * L);
        LoopCarried.FLOATS.add(c0).intoArray(out, o2);
        LoopCarried.FLOATS.add(c1).intoArray(out, o2 + L);
        LoopCarried.FLOATS.add(c2).intoArray(out, o2 + 2 * L);
        LoopCarried.FLOATS.add(c3).intoArray(out, o2 + 3 * L);
        LoopCarried.FLOATS.add(e0).intoArray(out, o3);
        LoopCarried.FLOATS.add(e1).intoArray(out, o3 + L);
        LoopCarried.FLOATS.add(e2).intoArray(out, o3 + 2 * L);
        LoopCarried.FLOATS.add(e3).intoArray(out, o3 + 3 * L);
    }

    /** {@link #outer4x4} for {@code L} columns. */
    private static void outer4x1(float[] m, int mo, int stride, int steps, float[] x, int x0, int x1, int x2, int x3,
                                 float[] out, int o0, int o1, int o2, int o3, boolean add) {
        FloatVector a = FloatVector.zero(F);
        FloatVector b = a;
        FloatVector c = a;
        FloatVector e = a;
        if (add) {
            a = FloatVector.fromArray(F, out, o0);
            b = FloatVector.fromArray(F, out, o1);
            c = FloatVector.fromArray(F, out, o2);
            e = FloatVector.fromArray(F, out, o3);
        }
        for (int t = 0; t < steps; t++) {
            FloatVector v = FloatVector.fromArray(F, m, mo + t * stride);
            a = v.fma(FloatVector.broadcast(F, x[x0 + t]), a);
            b = v.fma(FloatVector.broadcast(F, x[x1 + t]), b);
            c = v.fma(FloatVector.broadcast(F, x[x2 + t]), c);
            e = v.fma(FloatVector.broadcast(F, x[x3 + t]), e);
        }
        LoopCarried.FLOATS.add(a).intoArray(out, o0);
        LoopCarried.FLOATS.add(b).intoArray(out, o1);
        LoopCarried.FLOATS.add(c).intoArray(out, o2);
        LoopCarried.FLOATS.add(e).intoArray(out, o3);
    }

    /**
     * A softmax of {@code scale * s[so .. so + valid)} without the division: {@code s[so + j] = e^(scale * (s[so + j] -
     * max))} for {@code j < valid}, 0 up to {@code n} (a multiple of {@link #lanes()}, at least {@code valid}), and returns
     * their sum ({@code scale} positive), by which a caller divides what it made of them (attention divides its weighted
     * sum of values, a head's dimensions, instead of every probability, a pass over the row).
     */
    public static float exponentials(float[] s, int so, int valid, int n, float scale) {
        int whole = valid - valid % L;
        // four maxima side by side: one waits on the last max's latency every vector
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int j = 0;
        for (; j + 4 * L <= whole; j += 4 * L) {
            m0 = FloatVector.fromArray(F, s, so + j).max(m0);
            m1 = FloatVector.fromArray(F, s, so + j + L).max(m1);
            m2 = FloatVector.fromArray(F, s, so + j + 2 * L).max(m2);
            m3 = FloatVector.fromArray(F, s, so + j + 3 * L).max(m3);
        }
        for (; j < whole; j += L) {
            m0 = FloatVector.fromArray(F, s, so + j).max(m0);
        }
        float max = LoopCarried.FLOATS.add(m0).max(m1).max(m2).max(m3).reduceLanes(VectorOperators.MAX);
        for (j = whole; j < valid; j++) {
            max = Math.max(max, s[so + j]);
        }
        int end = (valid + L - 1) / L * L;
        // the last vector's lanes past valid (masked keys, padding: any bits) come out 0 from expSum: -infinity times a
        // positive scale is below its clamp
        java.util.Arrays.fill(s, so + valid, so + end, Float.NEGATIVE_INFINITY);
        float total = expSum(s, so, end, scale, -scale * max);
        java.util.Arrays.fill(s, so + end, so + n, 0f);
        return total;
    }

    /**
     * {@code s[so + j] = e^(scale * s[so + j] + shift)} for {@code j < end} ({@code end} a multiple of {@link #lanes()});
     * returns their sum. Meant for a softmax's shifted scores, at most 0: within 2 ulp there, and 0 below {@code -87.33}
     * (so a lane a caller sets to an infinity that the scale takes below it comes out 0, which is how a softmax row
     * masks the lanes past its keys, without a mask in this loop); SwiGLU's {@code e^-x} takes it up to {@code e^88}
     * (2^127). x = n ln 2 + r with |r| <= ln 2 / 2, e^r by its degree-7 Taylor polynomial, times 2^n built in the
     * exponent bits.
     *
     * <p>Arrays in, a float out, and the exponential written out in the loop: a helper taking and returning vectors
     * was not always inlined here (C2 had compiled it on its own first), and then boxed two vectors per call, most of
     * a decode step's heap allocation at long contexts (1.7 MiB per TinyLlama step after 256 tokens).
     */
    static float expSum(float[] s, int so, int end, float scale, float shift) {
        FloatVector sc = FloatVector.broadcast(F, scale);
        FloatVector sh = FloatVector.broadcast(F, shift);
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j < end; j += L) {
            FloatVector x = FloatVector.fromArray(F, s, so + j).fma(sc, sh);
            var zero = x.compare(VectorOperators.LT, EXP_MIN);
            x = x.max(EXP_MIN);
            FloatVector n = x.mul(LOG2E).add(12582912f).sub(12582912f); // rounded to an integer: 1.5 * 2^23
            FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_LO), n.fma(FloatVector.broadcast(F, -LN2_HI), x));
            FloatVector p = FloatVector.broadcast(F, 1f / 5040f);
            p = p.fma(r, FloatVector.broadcast(F, 1f / 720f));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 120f));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 24f));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 6f));
            p = p.fma(r, FloatVector.broadcast(F, 0.5f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul(bits.reinterpretAsFloats()).blend(0f, zero);
            e.intoArray(s, so + j);
            sum = e.add(sum);
        }
        // VectorKernels.sum written out: a call C2 did not inline would box the vector
        FloatVector t = LoopCarried.FLOATS.add(sum);
        t = t.add(t.rearrange(VectorKernels.FOLD_1));
        t = t.add(t.rearrange(VectorKernels.FOLD_2));
        t = t.add(t.rearrange(VectorKernels.FOLD_3));
        if (L > 8) {
            t = t.add(t.rearrange(VectorKernels.FOLD_4));
        }
        return t.lane(0);
    }

    /**
     * {@code out_i[oi + d] = sum_j p_i[pi + j] * v[vo + j * stride + d]} for the four queries {@code i}, keys
     * {@code j < n} and {@code d < dims} ({@code dims} a multiple of {@link #lanes()}).
     */
    public static void weighted4(float[] p, int p0, int p1, int p2, int p3, int n, float[] v, int vo, int stride, int dims,
                                 float[] out, int o0, int o1, int o2, int o3) {
        weighted4(p, p0, p1, p2, p3, n, v, vo, stride, dims, out, o0, o1, o2, o3, false);
    }

    /**
     * {@link #weighted4} added to {@code out}'s sums: keys {@code [0, n)} then {@code [n, m)} in two calls give the bits
     * of one call over {@code [0, m)} (see {@link #outer4x4}), so a caller may take the keys in runs.
     */
    public static void addWeighted4(float[] p, int p0, int p1, int p2, int p3, int n, float[] v, int vo, int stride, int dims,
                                    float[] out, int o0, int o1, int o2, int o3) {
        weighted4(p, p0, p1, p2, p3, n, v, vo, stride, dims, out, o0, o1, o2, o3, true);
    }

    private static void weighted4(float[] p, int p0, int p1, int p2, int p3, int n, float[] v, int vo, int stride, int dims,
                                  float[] out, int o0, int o1, int o2, int o3, boolean add) {
        int d = 0;
        for (; d + 4 * L <= dims; d += 4 * L) {
            outer4x4(v, vo + d, stride, n, p, p0, p1, p2, p3, out, o0 + d, o1 + d, o2 + d, o3 + d, add);
        }
        for (; d < dims; d += L) {
            outer4x1(v, vo + d, stride, n, p, p0, p1, p2, p3, out, o0 + d, o1 + d, o2 + d, o3 + d, add);
        }
    }
}
