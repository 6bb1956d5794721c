package dev.chrysalis.inference.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batched attention's kernels against double-precision references, and the padding they must ignore bit for bit. */
class AttentionKernelsTest {

    private static final int L = AttentionKernels.lanes();

    @BeforeEach
    void vectorLanes() {
        assumeTrue(AttentionKernels.available(), "no vector lanes here");
    }

    @Test
    void expSumIsWithinTwoUlpOverTheSoftmaxRangeAndZeroBelowIt() {
        float[] x = new float[L];
        float[] got = new float[L];
        int checked = 0;
        // every 97th float from -0 down past -90: normals, tiny magnitudes near 0, the clamp edge
        for (int bits = Float.floatToRawIntBits(-0f); Float.intBitsToFloat(bits) > -90f; bits += 97 * L) {
            for (int l = 0; l < L; l++) {
                x[l] = Float.intBitsToFloat(bits + 97 * l);
            }
            System.arraycopy(x, 0, got, 0, L);
            float sum = AttentionKernels.expSum(got, 0, L, 1f, 0f);
            double want = 0;
            for (int l = 0; l < L; l++) {
                if (x[l] < -87.33f) {
                    assertEquals(0f, got[l], "e^" + x[l]);
                } else if (x[l] > -87.3f) {
                    float ref = (float) Math.exp(x[l]);
                    assertTrue(Math.abs(got[l] - ref) <= 2 * Math.ulp(ref), "e^" + x[l] + " = " + ref + ", got " + got[l]);
                    checked++;
                }
                want += got[l];
            }
            assertEquals(want, sum, 1e-6 * want + Float.MIN_NORMAL, "the sum of the lanes");
        }
        assertTrue(checked > 1_000_000, "checked " + checked);
    }

    @Test
    void softmaxNormalisesTheValidScoresAndZeroesThePadding() {
        Random r = new Random(3);
        for (int valid : new int[] {1, L - 1, L, 3 * L + 5}) {
            int n = (valid + L - 1) / L * L + L;
            float[] s = new float[n + 7];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (r.nextGaussian() * 20);
            }
            float[] raw = s.clone();
            float scale = 0.125f;
            softmax(s, 7, valid, n, scale);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < valid; j++) {
                max = Math.max(max, scale * (double) raw[7 + j]);
            }
            double sum = 0;
            for (int j = 0; j < valid; j++) {
                sum += Math.exp(scale * (double) raw[7 + j] - max);
            }
            for (int j = 0; j < valid; j++) {
                double want = Math.exp(scale * (double) raw[7 + j] - max) / sum;
                assertEquals(want, s[7 + j], 1e-6 * Math.max(want, 1e-3), "valid " + valid + ", key " + j);
            }
            for (int j = valid; j < n; j++) {
                assertEquals(0f, s[7 + j], "padding " + j);
            }
            assertEquals(raw[0], s[0], "before the row");
        }
    }

    @Test
    void scoresAndWeightedSumsMatchDoubleSums() {
        Random r = new Random(5);
        int block = AttentionKernels.keyBlock();
        for (int dims : new int[] {4 * L, 5 * L, L}) {
            int keys = 5 * L + 3;
            int n = (keys + L - 1) / L * L;
            int stride = n + L;
            int ko = 7;
            float[] q = gaussian(r, 4 * dims + 3);
            float[] k = gaussian(r, ko + (n + block - 1) / block * block * dims);
            float[] s = new float[4 * stride];
            int[] qo = {3, 3 + dims, 3 + 2 * dims, 3 + 3 * dims};
            AttentionKernels.scores4(q, qo[0], qo[1], qo[2], qo[3], dims, k, ko, n, s, 0, stride, 2 * stride, 3 * stride);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < n; j++) {
                    double want = 0;
                    double magnitude = 0;
                    for (int d = 0; d < dims; d++) {
                        double term = (double) q[qo[i] + d] * k[ko + j / block * dims * block + d * block + j % block];
                        want += term;
                        magnitude += Math.abs(term);
                    }
                    // float sums of dims products: within a few float roundings of the sum of magnitudes
                    assertEquals(want, s[i * stride + j], 1e-6 * magnitude, "dims " + dims + ", query " + i + ", key " + j);
                }
            }
            float[] v = gaussian(r, 5 + n * (dims + 2));
            float[] out = new float[4 * dims];
            AttentionKernels.weighted4(s, 0, stride, 2 * stride, 3 * stride, n, v, 5, dims + 2, dims, out, 0, dims, 2 * dims, 3 * dims);
            for (int i = 0; i < 4; i++) {
                for (int d = 0; d < dims; d++) {
                    double want = 0;
                    double magnitude = 0;
                    for (int j = 0; j < n; j++) {
                        double term = (double) s[i * stride + j] * v[5 + j * (dims + 2) + d];
                        want += term;
                        magnitude += Math.abs(term);
                    }
                    assertEquals(want, out[i * dims + d], 1e-6 * magnitude, "dims " + dims + ", query " + i + ", dim " + d);
                }
            }
        }
    }

    /** What lets decode and prefill give a token the same bits: more keys past a query's own add exact zeros. */
    @Test
    void aQueryGivesTheSameBitsWhateverThePaddingPastItsKeys() {
        Random r = new Random(9);
        int dims = 4 * L;
        int valid = 2 * L + 3;
        int stride = 8 * L;
        float[] q = gaussian(r, 4 * dims);
        float[] k = gaussian(r, dims * stride);
        float[] v = gaussian(r, stride * dims);
        float[][] results = new float[2][];
        int[] seen = {3 * L, 8 * L};
        for (int run = 0; run < 2; run++) {
            float[] s = new float[4 * stride];
            AttentionKernels.scores4(q, 0, dims, 2 * dims, 3 * dims, dims, k, 0, seen[run], s, 0, stride, 2 * stride, 3 * stride);
            for (int i = 0; i < 4; i++) {
                softmax(s, i * stride, valid, seen[run], 0.125f);
            }
            float[] out = new float[4 * dims];
            AttentionKernels.weighted4(s, 0, stride, 2 * stride, 3 * stride, seen[run], v, 0, dims, dims, out, 0, dims, 2 * dims, 3 * dims);
            results[run] = out;
        }
        assertArrayEquals(results[0], results[1]);
        assertTrue(results[0][0] != 0f && results[0][4 * dims - 1] != 0f, "real sums");
    }

    /** Attention's softmax: {@link AttentionKernels#exponentials}, then the division attention leaves to its outputs. */
    private static void softmax(float[] s, int so, int valid, int n, float scale) {
        float total = AttentionKernels.exponentials(s, so, valid, n, scale);
        for (int j = 0; j < valid; j++) {
            s[so + j] /= total;
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
