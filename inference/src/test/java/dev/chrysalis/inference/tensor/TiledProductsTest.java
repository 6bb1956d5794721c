package dev.chrysalis.inference.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.kernels.QuantTiles;
import dev.chrysalis.inference.kernels.TiledBatch;
import dev.chrysalis.inference.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tiled Q4_0, Q4_1, Q4_K, Q5_K, Q6_K and Q8_0 products (int16 lanes, activations quantized to Q8) against references computed here in
 * double precision: with the activations quantized the same way (llama.cpp's Q8_0: scale max|x|/127 kept
 * as f16, round half away from zero) the integer sums are exact, so only float rounding of the per-block
 * scaling separates them (1e-5 of the product's magnitude); against the exact float product the error is
 * bounded by the activation rounding, at most half a step d/2 per value, weighted by |w|.
 */
class TiledProductsTest {

    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Random blocks of {@code type} (Q4_0, Q4_1, Q8_0, Q4_K, Q5_K or Q6_K): any quant bytes, including Q8_0's -128 and every
     * high bit of Q5_K, any packed 6-bit scales and mins (Q4_K, Q5_K) and 8-bit scales (Q6_K), and random f16 scales
     * where the format has them.
     */
    static MemorySegment random(GgmlType type, int rows, int cols, Random rnd) {
        int blocks = rows * cols / type.blockSize();
        int blockBytes = (int) type.byteSize(type.blockSize());
        // where the f16 scales are: Q4_1's d and m, Q4_K's and Q5_K's d and dmin first, Q6_K's d last
        int[] scales = switch (type) {
            case Q4_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> new int[] {0};
        };
        MemorySegment s = MemorySegment.ofArray(new byte[blocks * blockBytes]);
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < blockBytes; j++) {
                s.set(ValueLayout.JAVA_BYTE, (long) blockBytes * b + j, (byte) rnd.nextInt(256));
            }
            for (int at : scales) {
                s.set(F16, (long) blockBytes * b + at, Float.floatToFloat16(randomScale(rnd)));
            }
        }
        return s;
    }

    /** Mostly ordinary scales, some negative, zero and subnormal ones (the f16 conversion's edge cases). */
    private static float randomScale(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> 0f;
            case 1 -> -0.01f * rnd.nextFloat();
            case 2 -> Float.float16ToFloat((short) (1 + rnd.nextInt(1023)));
            default -> 0.02f * rnd.nextFloat() + 1e-4f;
        };
    }

    /** llama.cpp's quantize_row_q8_0, written out plainly: x replaced by its quantized value d * q. */
    static double[] q8Dequantized(float[] x, int off, int n) {
        double[] r = new double[n];
        for (int b = 0; b < n / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[off + 32 * b + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            float dStored = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                r[32 * b + j] = (double) dStored * Math.round(Math.abs(x[off + 32 * b + j] * id)) * Math.signum(x[off + 32 * b + j]);
            }
        }
        return r;
    }

    /**
     * llama.cpp's quantize_row_q8_K_ref, which its K-quant products take, written out plainly: per 256 values,
     * max the value of largest magnitude, iscale = -127 / max, q = min(127, nearest_int(iscale * x)) (ties to
     * even), scale 1 / iscale kept as a float.
     */
    static double[] q8KDequantized(float[] x, int off, int n) {
        double[] r = new double[n];
        for (int b = 0; b < n / 256; b++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 256; j++) {
                if (Math.abs(x[off + 256 * b + j]) > amax) {
                    amax = Math.abs(x[off + 256 * b + j]);
                    max = x[off + 256 * b + j];
                }
            }
            float iscale = amax == 0 ? 0 : -127f / max;
            for (int j = 0; j < 256; j++) {
                r[256 * b + j] = amax == 0 ? 0 : (double) (1f / iscale) * Math.min(127, Math.rint(iscale * x[off + 256 * b + j]));
            }
        }
        return r;
    }

    static float[] gaussian(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    @Test
    void tilesWrittenIntoASharedRegionMultiplyAsTheirOwn() {
        assumeTrue(QuantTiles.fits(QuantTiles.ROWS, 32), "no vector lanes to tile for");
        Random rnd = new Random(3);
        int rows = 5 * QuantTiles.ROWS - 3;
        WeightMatrix a = new WeightMatrix("a", GgmlType.Q8_0, rows, 64, random(GgmlType.Q8_0, rows, 64, rnd));
        WeightMatrix b = new WeightMatrix("b", GgmlType.Q4_0, rows, 96, random(GgmlType.Q4_0, rows, 96, rnd));
        try (WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            // two matrices back to back in one region, as ModelWeights.tiled lays out a model
            MemorySegment region = arena.allocate(a.tileBytes() + b.tileBytes(), 64);
            WeightMatrix[] shared = {a.tiledInto(pool, region.asSlice(0, a.tileBytes())), b.tiledInto(pool, region.asSlice(a.tileBytes()))};
            WeightMatrix[] own = {a.tiled(pool, arena), b.tiled(pool, arena)};
            for (int i = 0; i < 2; i++) {
                float[] x = gaussian(own[i].cols(), rnd);
                float[] expected = new float[rows];
                float[] actual = new float[rows];
                own[i].matvec(pool, x, expected, null);
                shared[i].matvec(pool, x, actual, null);
                assertArrayEquals(expected, actual, own[i] + " in a shared region");
            }
            var tooShort = assertThrows(IllegalArgumentException.class, () -> a.tiledInto(pool, arena.allocate(a.tileBytes() - 64, 64)));
            assertTrue(tooShort.getMessage().contains(a.tileBytes() + " bytes"), tooShort.getMessage());
            var misaligned = assertThrows(IllegalArgumentException.class, () -> a.tiledInto(pool, arena.allocate(a.tileBytes() + 64, 64).asSlice(8)));
            assertTrue(misaligned.getMessage().contains("64-byte aligned"), misaligned.getMessage());
        }
    }

    @Test
    void matvecAndBatchedProductsMatchTheQ8Reference() {
        assumeTrue(QuantTiles.fits(QuantTiles.ROWS, 32), "no vector lanes to tile for");
        Random rnd = new Random(11);
        // The last tile padded, after an odd and an even number of tiles (decode multiplies tiles in fours, then one by one);
        // whole groups of four tiles (prefill's widest kernel, at 512-bit lanes) followed by a group of three
        // and by a padded tile; 160 columns are more than one of prefill's column chunks.
        int r = QuantTiles.ROWS;
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            for (int rows : new int[] {3 * r - 5, 2 * r - 5, 7 * r, 9 * r - 5}) {
                // K-quants: two super-blocks, one of prefill's integer column chunks each
                checkAgainstQ8Reference(type, rows, type.blockSize() == 256 ? 512 : 160, rnd);
            }
        }
    }

    private static void checkAgainstQ8Reference(GgmlType type, int rows, int cols, Random rnd) {
        // token counts: groups of six with four left (70), two left (68: taken as sixes and two fours),
        // one left (67), and too few for a group of six (5)
        for (int batch : new int[] {70, 68, 67, 5}) {
            checkAgainstQ8Reference(type, rows, cols, batch, rnd);
        }
    }

    private static void checkAgainstQ8Reference(GgmlType type, int rows, int cols, int batch, Random rnd) {
        WeightMatrix plain = new WeightMatrix("w", type, rows, cols, random(type, rows, cols, rnd));
        try (WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            WeightMatrix tiled = plain.tiled(pool, arena);
            assertTrue(tiled.isTiled());
            float[] w = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                plain.dequantizeRow(r, w, r * cols);
                float[] t = new float[cols];
                tiled.dequantizeRow(r, t, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(w, r * cols, (r + 1) * cols), t, "row " + r + " dequantized from tiles");
            }
            float[] x = gaussian(batch * cols, rnd);
            float[] out = new float[batch * rows];
            tiled.matmul(pool, x, batch, out, null);
            float[] single = new float[rows];
            for (int b = 0; b < batch; b++) {
                double[] xq = type.blockSize() == 256 ? q8KDequantized(x, b * cols, cols) : q8Dequantized(x, b * cols, cols);
                float[] xb = java.util.Arrays.copyOfRange(x, b * cols, (b + 1) * cols);
                tiled.matvec(pool, xb, single, null);
                for (int r = 0; r < rows; r++) {
                    double ref = 0;
                    double exact = 0;
                    double mag = 0;
                    double bound = 0;
                    for (int i = 0; i < cols; i++) {
                        double wi = w[r * cols + i];
                        ref += wi * xq[i];
                        exact += wi * xb[i];
                        mag += Math.abs(wi * xq[i]);
                        bound += Math.abs(wi) * Math.abs(xb[i] - xq[i]);
                    }
                    assertEquals(ref, single[r], 1e-5 * mag + 1e-6, "row " + r + " token " + b);
                    // batched products run in float on the same Q8 values: equal up to float rounding
                    assertEquals(ref, out[b * rows + r], 1e-5 * mag + 1e-6, "batched row " + r + " token " + b);
                    assertEquals(exact, single[r], bound + 1e-5 * mag + 1e-6, "row " + r + " token " + b + " vs float x");
                }
            }
        }
    }

    @Test
    void extremeNibblesAndActivationsStayExactIn16BitLanes() {
        assumeTrue(QuantTiles.fits(QuantTiles.ROWS, 32), "no vector lanes to tile for");
        int rows = 7 * QuantTiles.ROWS; // decode's kernels for four tiles, a pair and one
        int cols = 64;
        // every nibble 15 (weight 7), then every nibble 0 (weight -8: prefill's 16-bit halves sum 32 products to +-32512)
        for (byte nibbles : new byte[] {(byte) 0xFF, 0}) {
            MemorySegment s = MemorySegment.ofArray(new byte[rows * cols / 32 * 18]);
            for (int b = 0; b < rows * cols / 32; b++) {
                s.set(F16, 18L * b, Float.floatToFloat16(1f));
                for (int j = 0; j < 16; j++) {
                    s.set(ValueLayout.JAVA_BYTE, 18L * b + 2 + j, nibbles);
                }
            }
            assertLargestSumsExact(new WeightMatrix("w", GgmlType.Q4_0, rows, cols, s), nibbles == 0 ? -8f : 7f);
        }
        // Q8_0: every byte -128 or 127, the largest products in magnitude: two per 16-bit lane sum to +-32512
        for (byte q : new byte[] {-128, 127}) {
            MemorySegment q8 = MemorySegment.ofArray(new byte[rows * cols / 32 * 34]);
            for (int b = 0; b < rows * cols / 32; b++) {
                q8.set(F16, 34L * b, Float.floatToFloat16(1f));
                for (int j = 0; j < 32; j++) {
                    q8.set(ValueLayout.JAVA_BYTE, 34L * b + 2 + j, q);
                }
            }
            assertLargestSumsExact(new WeightMatrix("w", GgmlType.Q8_0, rows, cols, q8), q);
        }
        // Q5_K, decode summing the values minus 16 in 16-bit lanes: every value 31 (all nibbles and high bits set; +15),
        // scale 1, min 0; then every value 0 (-16: the 16 products of a lane sum to +-32512), scale 1, dmin 1, min 1
        for (int top : new int[] {31, 0}) {
            MemorySegment q5 = MemorySegment.ofArray(new byte[rows * 176]);
            for (int b = 0; b < rows; b++) {
                q5.set(F16, 176L * b, Float.floatToFloat16(1f));
                q5.set(F16, 176L * b + 2, Float.floatToFloat16(top == 0 ? 1f : 0f));
                for (int j = 0; j < 4; j++) {
                    q5.set(ValueLayout.JAVA_BYTE, 176L * b + 4 + j, (byte) 1); // sub-blocks 0..3: scale 1
                    q5.set(ValueLayout.JAVA_BYTE, 176L * b + 8 + j, (byte) 1); // sub-blocks 0..3: min 1 (times dmin)
                    q5.set(ValueLayout.JAVA_BYTE, 176L * b + 12 + j, (byte) 0x11); // sub-blocks 4..7: scale 1, min 1
                }
                for (int j = 16; j < 176; j++) {
                    q5.set(ValueLayout.JAVA_BYTE, 176L * b + j, (byte) (top == 0 ? 0 : 0xFF));
                }
            }
            assertLargestSumsExact(new WeightMatrix("w", GgmlType.Q5_K, rows, 256, q5), top == 0 ? -1f : 31f);
        }
        // Q6_K, decode summing each 16-value half's values minus 32 in 16-bit lanes (the unsigned six bits, modulo 2^16,
        // then 32 times the activations off): every value 0 (-32: the 8 products of a lane sum to +-32512), then every
        // value 63 (+31, where the unsigned sums, 8 * 63 * 127, wrap); scales 1, d 1
        for (byte bits : new byte[] {0, (byte) 0xFF}) {
            MemorySegment q6 = MemorySegment.ofArray(new byte[rows * 210]);
            for (int b = 0; b < rows; b++) {
                for (int j = 0; j < 192; j++) {
                    q6.set(ValueLayout.JAVA_BYTE, 210L * b + j, bits); // ql and qh
                }
                for (int j = 0; j < 16; j++) {
                    q6.set(ValueLayout.JAVA_BYTE, 210L * b + 192 + j, (byte) 1);
                }
                q6.set(F16, 210L * b + 208, Float.floatToFloat16(1f));
            }
            assertLargestSumsExact(new WeightMatrix("w", GgmlType.Q6_K, rows, 256, q6), bits == 0 ? -32f : 31f);
        }
    }

    @Test
    void q4_0PrefillInIntegersEqualsDecodeBitForBit() {
        assumeTrue(TiledBatch.INTEGER_Q4, "Q4_0 prefill runs in integers on 512-bit lanes, by default on non-Intel cores (the q4-prefill-in-integers run forces them)");
        // 5 blocks: an odd last block; 11 blocks: two column chunks, the second odd
        assertPrefillInIntegersEqualsDecode(GgmlType.Q4_0, new int[] {160, 352});
    }

    @Test
    void q4_KPrefillInIntegersEqualsDecodeBitForBit() {
        assumeTrue(TiledBatch.INTEGER_Q4, "Q4_K prefill runs in integers where Q4_0's does");
        // one super-block (one column chunk), three (three chunks)
        assertPrefillInIntegersEqualsDecode(GgmlType.Q4_K, new int[] {256, 768});
    }

    private static void assertPrefillInIntegersEqualsDecode(GgmlType type, int[] widths) {
        Random rnd = new Random(5);
        int rows = 9 * QuantTiles.ROWS; // two groups of four tiles for the integer kernels, then one tile in float
        for (int cols : widths) {
            WeightMatrix plain = new WeightMatrix("w", type, rows, cols, random(type, rows, cols, rnd));
            int tokens = 17; // two panels of six, one of four, one token left for the float kernels
            try (WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
                WeightMatrix tiled = plain.tiled(pool, arena);
                float[] x = gaussian(tokens * cols, rnd);
                float[] batched = new float[tokens * rows];
                tiled.matmul(pool, x, tokens, batched, null);
                float[] single = new float[rows];
                for (int tok = 0; tok < tokens; tok++) {
                    tiled.matvec(pool, java.util.Arrays.copyOfRange(x, tok * cols, (tok + 1) * cols), single, null);
                    for (int r = 0; r < rows; r++) {
                        float got = batched[tok * rows + r];
                        if (tok < 16 && r < 8 * QuantTiles.ROWS) {
                            assertEquals(single[r], got, 0f, type + ", " + cols + " columns, row " + r + " token " + tok);
                        } else {
                            assertEquals(single[r], got, 1e-4f * (1 + Math.abs(single[r])), type + ", " + cols + " columns, row " + r + " token " + tok);
                        }
                    }
                }
            }
        }
    }

    private static void assertLargestSumsExact(WeightMatrix plain, float weight) {
        int rows = plain.rows();
        int cols = plain.cols();
        try (WorkerPool pool = new WorkerPool(1); Arena arena = Arena.ofShared()) {
            WeightMatrix tiled = plain.tiled(pool, arena);
            for (float sign : new float[] {1f, -1f}) {
                float[] x = new float[cols];
                java.util.Arrays.fill(x, sign * 127f); // scale 1, every activation +-127: the largest 16-bit partial sums
                float[] out = new float[rows];
                tiled.matvec(pool, x, out, null);
                int tokens = 7; // prefill's kernels for six tokens and for one
                float[] batched = new float[tokens * rows];
                tiled.matmul(pool, concat(x, tokens), tokens, batched, null);
                for (int r = 0; r < rows; r++) {
                    assertEquals(sign * weight * 127f * cols, out[r], 0f, plain.type() + " row " + r);
                    for (int tok = 0; tok < tokens; tok++) {
                        assertEquals(out[r], batched[tok * rows + r], 0f, plain.type() + " batched row " + r + " token " + tok);
                    }
                }
            }
        }
    }

    @Test
    void onlyQ4_0Q4_1Q4_KQ5_KQ6_KAndQ8_0AreTiled() {
        try (WorkerPool pool = new WorkerPool(1); Arena arena = Arena.ofShared()) {
            WeightMatrix f32 = new WeightMatrix("f32", GgmlType.F32, QuantTiles.ROWS, 32, MemorySegment.ofArray(new byte[QuantTiles.ROWS * 128]));
            assertTrue(!f32.tileable());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> f32.tiled(pool, arena));
            assertTrue(e.getMessage().contains("f32") && e.getMessage().contains("Q4_0, Q4_1, Q4_K, Q5_K, Q6_K and Q8_0 only"), e.getMessage());
        }
    }

    @Test
    void matvecAllAndMatmulAllOverTiledMatricesMatchEachProduct() {
        matvecAllAndMatmulAllMatchEachProduct(96, GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_0);
    }

    /** A Q4_K_M file's Q, K and V: two formats, each quantizing x its own way, in one decode loop. */
    @Test
    void matvecAllOverQ4KAndQ6KMatricesMatchesEachProduct() {
        matvecAllAndMatmulAllMatchEachProduct(512, GgmlType.Q4_K, GgmlType.Q4_K, GgmlType.Q6_K);
    }

    /**
     * The tokens the batched kernels leave to their caller ({@link TiledBatch#batchedTokens}: batches under four tokens,
     * and on 512-bit machines with integer Q4 panels the tokens after them) are decode's products bit for bit; the
     * batch's other tokens agree with them to float rounding.
     */
    @Test
    void tokensTheBatchedKernelsLeaveAreDecodeProducts() {
        assumeTrue(QuantTiles.fits(QuantTiles.ROWS, 32), "no vector lanes to tile for");
        Random rnd = new Random(11);
        int rows = 3 * QuantTiles.ROWS;
        int cols = 512;
        try (WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q8_0}) {
                WeightMatrix m = new WeightMatrix("m", type, rows, cols, random(type, rows, cols, rnd)).tiled(pool, arena);
                for (int batch : new int[] {2, 3, 6, 9}) {
                    float[] xs = gaussian(batch * cols, rnd);
                    float[] out = new float[batch * rows];
                    m.matmul(pool, xs, batch, out, null);
                    int batched = TiledBatch.batchedTokens(QuantTiles.Format.valueOf(type.name()), batch);
                    assertTrue(batch >= 4 || batched == 0, "fewer than four tokens go one by one");
                    for (int t = 0; t < batch; t++) {
                        float[] x = java.util.Arrays.copyOfRange(xs, t * cols, (t + 1) * cols);
                        float[] one = new float[rows];
                        m.matvec(pool, x, one, null);
                        float[] got = java.util.Arrays.copyOfRange(out, t * rows, (t + 1) * rows);
                        if (t >= batched) {
                            assertArrayEquals(one, got, type + ", batch " + batch + ", token " + t + " left to decode's products");
                        } else {
                            for (int r = 0; r < rows; r++) {
                                assertEquals(one[r], got[r], 1e-3f * (1 + Math.abs(one[r])), type + " batch " + batch + " token " + t + " row " + r);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void matvecAllAndMatmulAllMatchEachProduct(int cols, GgmlType... types) {
        assumeTrue(QuantTiles.fits(QuantTiles.ROWS, 32), "no vector lanes to tile for");
        Random rnd = new Random(5);
        int[] rows = {2 * QuantTiles.ROWS, QuantTiles.ROWS + 3, 3 * QuantTiles.ROWS};
        try (WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            WeightMatrix[] ms = new WeightMatrix[rows.length];
            float[][] outs = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                GgmlType type = types[i];
                ms[i] = new WeightMatrix("m" + i, type, rows[i], cols, random(type, rows[i], cols, rnd)).tiled(pool, arena);
                outs[i] = new float[rows[i]];
            }
            float[] x = gaussian(cols, rnd);
            WeightMatrix.matvecAll(pool, x, ms, outs, null);
            for (int i = 0; i < rows.length; i++) {
                float[] one = new float[rows[i]];
                ms[i].matvec(pool, x, one, null);
                assertArrayEquals(one, outs[i], "matrix " + i);
            }
            // and batched: one shared quantization and loop, the same tile pairs as each product alone
            int batch = 9;
            float[] xs = gaussian(batch * cols, rnd);
            float[][] batchedOuts = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                batchedOuts[i] = new float[batch * rows[i]];
            }
            WeightMatrix.matmulAll(pool, xs, batch, ms, batchedOuts, null);
            for (int i = 0; i < rows.length; i++) {
                float[] one = new float[batch * rows[i]];
                ms[i].matmul(pool, xs, batch, one, null);
                assertArrayEquals(one, batchedOuts[i], "batched matrix " + i);
            }
        }
    }

    private static float[] concat(float[] x, int times) {
        float[] r = new float[x.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(x, 0, r, i * x.length, x.length);
        }
        return r;
    }
}
