package dev.chrysalis.inference.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * SwiGLU with vector lanes (whole vectors and a tail): close to the exact silu, and equal bit for bit to the same arithmetic done with scalar
 * {@link Math#fma}, whose result does not depend on whether it runs interpreted or compiled (so neither do the lanes).
 */
class SiluMulTest {

    private static final int L = VectorKernels.L;

    @Test
    void lanesEqualTheirScalarArithmeticAndStayWithinFourUlpOfSilu() {
        assumeTrue(VectorKernels.VECTOR, "no vector lanes here");
        // every 997 * 1024th float from -100 to 100: both tails, the clamps, tiny magnitudes, zeros
        java.util.List<Float> values = new java.util.ArrayList<>();
        for (long bits = Float.floatToRawIntBits(-100f); bits > Integer.MIN_VALUE; bits -= 997 * 1024) {
            values.add(Float.intBitsToFloat((int) bits));
        }
        for (int bits = 0; Float.intBitsToFloat(bits) <= 100f; bits += 997 * 1024) {
            values.add(Float.intBitsToFloat(bits));
        }
        values.addAll(java.util.List.of(-0f, -88.5f, -87.5f, 87.5f, 88.5f));
        if (values.size() % L == 0) {
            values.add(0.5f); // a tail past the last whole vector
        }
        float[] x = new float[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = values.get(i);
        }
        float[] u = new float[x.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = 1f + (i % 7) / 8f;
        }
        float[] g = x.clone();
        VectorKernels.siluMul(g, u, 0, g.length);
        double worstUlps = 0;
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(scalar(x[i], u[i])), Float.floatToRawIntBits(g[i]), "lane for x = " + x[i]);
            double exact = x[i] / (1 + Math.exp(-(double) x[i])) * u[i];
            if (x[i] > -87f && Math.abs(exact) > Float.MIN_NORMAL) {
                worstUlps = Math.max(worstUlps, Math.abs(g[i] - exact) / Math.ulp((float) exact));
            } else {
                assertTrue(Math.abs(g[i] - exact) < 1e-35, "x = " + x[i] + ": " + g[i] + " against " + exact);
            }
        }
        assertTrue(worstUlps <= 4, "worst error " + worstUlps + " ulp");
    }

    /** The lanes' arithmetic, one value at a time: {@link AttentionKernels#expSum}'s of {@code -max(x, -88)}. */
    private static float scalar(float x, float u) {
        float t = Math.fma(Math.max(x, -88f), -1f, 0f);
        if (t < AttentionKernels.EXP_MIN) {
            return x / (0f + 1f) * u;
        }
        float n = t * AttentionKernels.LOG2E + 12582912f - 12582912f;
        float r = Math.fma(n, -AttentionKernels.LN2_LO, Math.fma(n, -AttentionKernels.LN2_HI, t));
        float e = 1f / 5040f;
        for (float c : new float[] {1f / 720f, 1f / 120f, 1f / 24f, 1f / 6f, 0.5f, 1f, 1f}) {
            e = Math.fma(e, r, c);
        }
        return x / (e * Float.intBitsToFloat(((int) n + 127) << 23) + 1f) * u;
    }
}
