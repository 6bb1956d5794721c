package dev.chrysalis.inference.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decode's activations: Q8_0 (Q8_K for Q4_K) blocks as llama.cpp quantizes them, paired for each tile format, one instance per width. */
class Q8ActivationsTest {

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        return x;
    }

    /**
     * Scalar Q8_0 of one block as ggml's quantize_row_q8_0: d = amax / 127, q = roundf(x / d), d stored as f16; for the
     * K-quant formats Q8_K as quantize_row_q8_K_ref: per 256 values, max the value of largest magnitude,
     * q = min(127, nearest_int(-127 / max * x)) (ties to even), d = max / -127 as a float, for each of its blocks.
     */
    private static void assertQuantized(float[] x, Q8Activations a) {
        assertEquals(x.length / 32, a.blocks);
        int size = a.format.superBlocks() ? 256 : 32;
        int[] q = new int[x.length];
        float[] scales = new float[x.length / 32];
        for (int b = 0; b < x.length / size; b++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < size; j++) {
                if (Math.abs(x[size * b + j]) > amax) {
                    amax = Math.abs(x[size * b + j]);
                    max = x[size * b + j];
                }
            }
            float d;
            if (size == 256) {
                float iscale = amax == 0 ? 0 : -127f / max;
                d = amax == 0 ? 0 : 1f / iscale;
                for (int j = 0; j < size; j++) {
                    q[size * b + j] = Math.min(127, (int) Math.rint(iscale * x[size * b + j]));
                }
            } else {
                float dq = amax / 127f;
                float id = dq != 0 ? 1f / dq : 0f;
                d = Float.float16ToFloat(Float.floatToFloat16(dq));
                for (int j = 0; j < size; j++) {
                    q[size * b + j] = Math.round(Math.abs(x[size * b + j] * id)) * (x[size * b + j] < 0 ? -1 : 1);
                }
            }
            java.util.Arrays.fill(scales, b * size / 32, (b + 1) * size / 32, d);
        }
        for (int b = 0; b < a.blocks; b++) {
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                sum += q[32 * b + j];
            }
            assertEquals(scales[b], a.scales[b], a.format + ": scale of block " + b);
            assertEquals(sum, a.sums[b], a.format + ": sum of block " + b);
            for (int i = 0; i < Q8Activations.PAIRS; i++) {
                int f = 32 * b + a.format.first(i);
                int pair = a.pairs[b * Q8Activations.PAIRS + i];
                assertEquals(q[f], (short) pair, a.format + ": block " + b + ", pair " + i + ", low half");
                assertEquals(q[f + 2], pair >> 16, a.format + ": block " + b + ", pair " + i + ", high half");
            }
        }
    }

    @Test
    void quantizesLikeLlamaCppAndPairsForEachFormat() {
        for (QuantTiles.Format f : QuantTiles.Format.values()) {
            float[] x = gaussian(2048, f.ordinal());
            x[5] = 0f; // a zero in a block, and a block (and a super-block) of zeros: scale 0, integers 0
            java.util.Arrays.fill(x, 64, 96, 0f);
            java.util.Arrays.fill(x, 512, 768, 0f);
            assertQuantized(x, Q8Activations.quantize(f, x, x.length));
        }
    }

    @Test
    void eachWidthKeepsItsOwnInstanceSoALayersTwoWidthsAllocateNothing() {
        QuantTiles.Format f = QuantTiles.Format.Q4_0;
        float[] model = gaussian(2048, 1);
        float[] hidden = gaussian(5632, 2);
        float[] again = gaussian(2048, 3);
        Q8Activations a = Q8Activations.quantize(f, model, model.length);
        Q8Activations b = Q8Activations.quantize(f, hidden, hidden.length);
        Q8Activations c = Q8Activations.quantize(f, again, again.length);
        assertNotSame(a, b);
        assertSame(a, c, "the 2048-wide instance reused after a 5632-wide one");
        assertQuantized(again, c);
        assertQuantized(hidden, b); // not overwritten by the other width
        // other formats keep instances of their own
        assertNotSame(a, Q8Activations.quantize(QuantTiles.Format.Q8_0, model, model.length));
    }

    @Test
    void widthsBeyondTheCacheStillQuantizeCorrectly() {
        QuantTiles.Format f = QuantTiles.Format.Q8_0;
        for (int round = 0; round < 2; round++) {
            for (int cols = 32; cols <= 32 * 7; cols += 32) {
                float[] x = gaussian(cols, cols + round);
                assertQuantized(x, Q8Activations.quantize(f, x, cols));
            }
        }
    }

    @Test
    void columnsThatAreNotWholeBlocksAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Q8Activations.quantize(QuantTiles.Format.Q4_0, new float[40], 40));
        assertEquals("40 columns is not a multiple of the Q8_0 block size 32", e.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> Q8Activations.quantize(QuantTiles.Format.Q4_K, new float[96], 96));
        assertEquals("96 columns is not a multiple of the Q8_K block size 256 (for Q4_K)", k.getMessage());
    }
}
