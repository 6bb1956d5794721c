package dev.chrysalis.inference.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The arithmetic of batched attention (prefill) on float blocks, four queries at a time: scores against a
 * block of keys stored transposed ({@code kt[d * stride + j]}: keys are lanes, so there is no horizontal
 * sum), a softmax over a row, and the probability-weighted sum of value rows. Each key vector and each
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
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that {@code n * LN2_HI} is exact for the exponents used. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this, e^x is under the smallest normal float; inputs are clamped to it. */
    private static final float EXP_MIN = -87.33f;

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
     * ({@code n} a multiple of {@link #lanes()}), the keys transposed in {@code kt[d * stride + j]}.
     */
    public static void scores4(float[] q, int q0, int q1, int q2, int q3, int dims, float[] kt, int stride, int n,
                               float[] s, int s0, int s1, int s2, int s3) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
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
            for (int d = 0; d < dims; d++) {
                int ko = d * stride + j;
                FloatVector k0 = FloatVector.fromArray(F, kt, ko);
                FloatVector k1 = FloatVector.fromArray(F, kt, ko + L);
                FloatVector k2 = FloatVector.fromArray(F, kt, ko + 2 * L);
                FloatVector k3 = FloatVector.fromArray(F, kt, ko + 3 * L);
                FloatVector v = FloatVector.broadcast(F, q[q0 + d]);
                a0 = k0.fma(v, a0);
                a1 = k1.fma(v, a1);
                a2 = k2.fma(v, a2);
                a3 = k3.fma(v, a3);
                v = FloatVector.broadcast(F, q[q1 + d]);
                b0 = k0.fma(v, b0);
                b1 = k1.fma(v, b1);
                b2 = k2.fma(v, b2);
                b3 = k3.fma(v, b3);
                v = FloatVector.broadcast(F, q[q2 + d]);
                c0 = k0.fma(v, c0);
                c1 = k1.fma(v, c1);
                c2 = k2.fma(v, c2);
                c3 = k3.fma(v, c3);
                v = FloatVector.broadcast(F, q[q3 + d]);
                e0 = k0.fma(v, e0);
                e1 = k1.fma(v, e1);
                e2 = k2.fma(v, e2);
                e3 = k3.fma(v, e3);
            }
            a0.intoArray(s, s0 + j);
            a1.intoArray(s, s0 + j + L);
            a2.intoArray(s, s0 + j + 2 * L);
            a3.intoArray(s, s0 + j + 3 * L);
            b0.intoArray(s, s1 + j);
            b1.intoArray(s, s1 + j + L);
            b2.intoArray(s, s1 + j + 2 * L);
            b3.intoArray(s, s1 + j + 3 * L);
            c0.intoArray(s, s2 + j);
            c1.intoArray(s, s2 + j + L);
            c2.intoArray(s, s2 + j + 2 * L);
            c3.intoArray(s, s2 + j + 3 * L);
            e0.intoArray(s, s3 + j);
            e1.intoArray(s, s3 + j + L);
            e2.intoArray(s, s3 + j + 2 * L);
            e3.intoArray(s, s3 + j + 3 * L);
        }
        for (; j < n; j += L) {
            FloatVector a = FloatVector.zero(F);
            FloatVector b = a;
            FloatVector c = a;
            FloatVector e = a;
            for (int d = 0; d < dims; d++) {
                FloatVector k = FloatVector.fromArray(F, kt, d * stride + j);
                a = k.fma(FloatVector.broadcast(F, q[q0 + d]), a);
                b = k.fma(FloatVector.broadcast(F, q[q1 + d]), b);
                c = k.fma(FloatVector.broadcast(F, q[q2 + d]), c);
                e = k.fma(FloatVector.broadcast(F, q[q3 + d]), e);
            }
            a.intoArray(s, s0 + j);
            b.intoArray(s, s1 + j);
            c.intoArray(s, s2 + j);
            e.intoArray(s, s3 + j);
        }
    }

    /**
     * Turns raw scores {@code s[so .. so + valid)} into softmax probabilities of {@code scale * s}, and sets
     * {@code s[so + valid .. so + n)} to 0 ({@code n} a multiple of {@link #lanes()}, at least {@code valid}).
     */
    public static void softmax(float[] s, int so, int valid, int n, float scale) {
        int whole = valid - valid % L;
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < whole; j += L) {
            m = m.max(FloatVector.fromArray(F, s, so + j));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (int j = whole; j < valid; j++) {
            max = Math.max(max, s[so + j]);
        }
        FloatVector sc = FloatVector.broadcast(F, scale);
        FloatVector shift = FloatVector.broadcast(F, -scale * max);
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j < whole; j += L) {
            FloatVector e = exp(FloatVector.fromArray(F, s, so + j).fma(sc, shift));
            e.intoArray(s, so + j);
            sum = sum.add(e);
        }
        if (j < n) {
            // the last vector: lanes past valid are masked keys and padding, probability 0
            FloatVector e = exp(FloatVector.fromArray(F, s, so + j).fma(sc, shift)).blend(0f, F.indexInRange(j, valid).not());
            e.intoArray(s, so + j);
            sum = sum.add(e);
            java.util.Arrays.fill(s, so + j + L, so + n, 0f);
        }
        FloatVector inv = FloatVector.broadcast(F, 1f / VectorKernels.sum(sum));
        for (j = 0; j < n; j += L) {
            FloatVector.fromArray(F, s, so + j).mul(inv).intoArray(s, so + j);
        }
    }

    /**
     * e^x per lane for x at most 0 (a softmax's shifted scores), within 2 ulp; 0 below {@code -87.33}.
     * x = n ln 2 + r with |r| <= ln 2 / 2, e^r by its degree-7 Taylor polynomial, times 2^n built in the
     * exponent bits.
     */
    static FloatVector exp(FloatVector x) {
        var under = x.compare(VectorOperators.LT, EXP_MIN);
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
        return p.mul(bits.reinterpretAsFloats()).blend(0f, under);
    }

    /**
     * {@code out_i[oi + d] = sum_j p_i[pi + j] * v[j * stride + d]} for the four queries {@code i}, keys
     * {@code j < n} and {@code d < dims} ({@code dims} a multiple of {@link #lanes()}).
     */
    public static void weighted4(float[] p, int p0, int p1, int p2, int p3, int n, float[] v, int stride, int dims,
                                 float[] out, int o0, int o1, int o2, int o3) {
        int d = 0;
        for (; d + 4 * L <= dims; d += 4 * L) {
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
            for (int j = 0; j < n; j++) {
                int vo = j * stride + d;
                FloatVector v0 = FloatVector.fromArray(F, v, vo);
                FloatVector v1 = FloatVector.fromArray(F, v, vo + L);
                FloatVector v2 = FloatVector.fromArray(F, v, vo + 2 * L);
                FloatVector v3 = FloatVector.fromArray(F, v, vo + 3 * L);
                FloatVector w = FloatVector.broadcast(F, p[p0 + j]);
                a0 = v0.fma(w, a0);
                a1 = v1.fma(w, a1);
                a2 = v2.fma(w, a2);
                a3 = v3.fma(w, a3);
                w = FloatVector.broadcast(F, p[p1 + j]);
                b0 = v0.fma(w, b0);
                b1 = v1.fma(w, b1);
                b2 = v2.fma(w, b2);
                b3 = v3.fma(w, b3);
                w = FloatVector.broadcast(F, p[p2 + j]);
                c0 = v0.fma(w, c0);
                c1 = v1.fma(w, c1);
                c2 = v2.fma(w, c2);
                c3 = v3.fma(w, c3);
                w = FloatVector.broadcast(F, p[p3 + j]);
                e0 = v0.fma(w, e0);
                e1 = v1.fma(w, e1);
                e2 = v2.fma(w, e2);
                e3 = v3.fma(w, e3);
            }
            a0.intoArray(out, o0 + d);
            a1.intoArray(out, o0 + d + L);
            a2.intoArray(out, o0 + d + 2 * L);
            a3.intoArray(out, o0 + d + 3 * L);
            b0.intoArray(out, o1 + d);
            b1.intoArray(out, o1 + d + L);
            b2.intoArray(out, o1 + d + 2 * L);
            b3.intoArray(out, o1 + d + 3 * L);
            c0.intoArray(out, o2 + d);
            c1.intoArray(out, o2 + d + L);
            c2.intoArray(out, o2 + d + 2 * L);
            c3.intoArray(out, o2 + d + 3 * L);
            e0.intoArray(out, o3 + d);
            e1.intoArray(out, o3 + d + L);
            e2.intoArray(out, o3 + d + 2 * L);
            e3.intoArray(out, o3 + d + 3 * L);
        }
        for (; d < dims; d += L) {
            FloatVector a = FloatVector.zero(F);
            FloatVector b = a;
            FloatVector c = a;
            FloatVector e = a;
            for (int j = 0; j < n; j++) {
                FloatVector w = FloatVector.fromArray(F, v, j * stride + d);
                a = w.fma(FloatVector.broadcast(F, p[p0 + j]), a);
                b = w.fma(FloatVector.broadcast(F, p[p1 + j]), b);
                c = w.fma(FloatVector.broadcast(F, p[p2 + j]), c);
                e = w.fma(FloatVector.broadcast(F, p[p3 + j]), e);
            }
            a.intoArray(out, o0 + d);
            b.intoArray(out, o1 + d);
            c.intoArray(out, o2 + d);
            e.intoArray(out, o3 + d);
        }
    }
}
