package dev.chrysalis.inference.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * F16 and BF16 matrices: rows dequantize bit for bit as {@link Float#float16ToFloat} (and a bfloat16's float), and decode's
 * products, the rows read as one stream with the halves converted by shifts, match a double-precision sum of the exactly
 * converted weights, whole vectors or with a tail; a matrix holding an infinity or a NaN gives the infinity or NaN where
 * the exact sum does. Prefill's batched products of F16 and BF16 rows (transposed into the tiles' float kernels where the
 * shape allows) and F32 ones match the same sums for every token, with partial tile groups, column chunks and panels of
 * six, four and single tokens.
 */
class HalfPrecisionProductsTest {

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float widened(GgmlType type, short h) {
        return type == GgmlType.F16 ? Float.float16ToFloat(h) : Float.intBitsToFloat(h << 16);
    }

    private static MemorySegment halves(Arena arena, short[] h) {
        MemorySegment s = arena.allocate(2L * h.length, 64);
        for (int i = 0; i < h.length; i++) {
            s.setAtIndex(HALF, i, h[i]);
        }
        return s;
    }

    /** Gaussian weights of every scale from subnormal halves (about 1e-6) up, with zeros of both signs among them. */
    private static short[] weights(GgmlType type, int n, Random rnd) {
        short[] h = new short[n];
        for (int i = 0; i < n; i++) {
            float v = (float) (rnd.nextGaussian() * Math.pow(10, -rnd.nextInt(7)));
            if (i % 97 == 5) {
                v = i % 2 == 0 ? 0f : -0f;
            }
            h[i] = type == GgmlType.F16 ? Float.floatToFloat16(v) : (short) (Float.floatToRawIntBits(v) >>> 16);
        }
        return h;
    }

    @Test
    void everyHalfDequantizesToItsExactFloat() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;  // zeros, subnormals, normals, infinities and NaNs of both signs
        }
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                // 256 rows of 256 columns, and rows of 250 that end in a tail shorter than a vector
                for (int cols : new int[] {256, 250}) {
                    int rows = all.length / cols;
                    WeightMatrix m = new WeightMatrix("all", type, rows, cols, halves(arena, all));
                    float[] row = new float[cols + 3];
                    for (int r = 0; r < rows; r++) {
                        m.dequantizeRow(r, row, 3);
                        for (int c = 0; c < cols; c++) {
                            short h = all[r * cols + c];
                            assertEquals(Float.floatToRawIntBits(widened(type, h)), Float.floatToRawIntBits(row[3 + c]),
                                    () -> String.format("%s half 0x%04x", type, h & 0xFFFF));
                        }
                    }
                }
            }
        }
    }

    @Test
    void decodeProductsMatchTheExactSum() {
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                // whole quads of rows and 1..3 more; columns in whole vectors and with a tail; in whole blocks of the
                // kernel's steps (2048), in steps short of a block (64), and in both (288, 576: SmolLM's width)
                for (int rows : new int[] {8, 13, 38, 3}) {
                    for (int cols : new int[] {64, 2048, 288, 576, 72, 9}) {
                        short[] h = weights(type, rows * cols, rnd);
                        WeightMatrix m = new WeightMatrix("w", type, rows, cols, halves(arena, h));
                        float[] x = new float[cols];
                        for (int i = 0; i < cols; i++) {
                            x[i] = (float) rnd.nextGaussian();
                        }
                        float[] out = new float[rows];
                        m.matvec(pool, x, out, new float[2][256]);
                        for (int r = 0; r < rows; r++) {
                            double exact = 0;
                            double magnitude = 0;
                            for (int c = 0; c < cols; c++) {
                                double p = (double) widened(type, h[r * cols + c]) * x[c];
                                exact += p;
                                magnitude += Math.abs(p);
                            }
                            // the conversion is exact: only the float sum's order and rounding differ
                            assertEquals(exact, out[r], 1e-6 * magnitude + 1e-30, type + " " + rows + "x" + cols + " row " + r);
                            assertEquals(out[r], m.dot(r, x, 0, new float[256]), 1e-6 * magnitude + 1e-30, "one row's dot");
                        }
                    }
                }
            }
        }
    }

    @Test
    void infinitiesAndNaNsReachTheProducts() {
        Random rnd = new Random(9);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                int rows = 8;
                int cols = 96;
                short[] h = weights(type, rows * cols, rnd);
                short inf = type == GgmlType.F16 ? (short) 0x7C00 : (short) 0x7F80;
                short nan = type == GgmlType.F16 ? (short) 0x7E00 : (short) 0x7FC0;
                h[1 * cols + 40] = inf;
                h[6 * cols + 3] = nan;
                WeightMatrix m = new WeightMatrix("w", type, rows, cols, halves(arena, h));
                float[] x = new float[cols];
                java.util.Arrays.fill(x, 0.5f);
                float[] out = new float[rows];
                m.matvec(pool, x, out, new float[2][256]);
                assertEquals(Float.POSITIVE_INFINITY, out[1], type + ": an infinite weight times 0.5");
                assertTrue(Float.isNaN(out[6]), type + ": a NaN weight, got " + out[6]);
                for (int r : new int[] {0, 2, 3, 4, 5, 7}) {
                    double exact = 0;
                    for (int c = 0; c < cols; c++) {
                        exact += (double) widened(type, h[r * cols + c]) * x[c];
                    }
                    assertEquals(exact, out[r], 1e-5 * Math.max(1, Math.abs(exact)), type + " finite row " + r);
                }
            }
        }
    }

    @Test
    void severalMatricesShareOneLoop() {
        Random rnd = new Random(17);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            int cols = 128;
            int[] rowCounts = {6, 9, 4};
            WeightMatrix[] ms = new WeightMatrix[rowCounts.length];
            short[][] h = new short[rowCounts.length][];
            float[][] outs = new float[rowCounts.length][];
            for (int i = 0; i < ms.length; i++) {
                h[i] = weights(GgmlType.F16, rowCounts[i] * cols, rnd);
                ms[i] = new WeightMatrix("m" + i, GgmlType.F16, rowCounts[i], cols, halves(arena, h[i]));
                outs[i] = new float[rowCounts[i]];
            }
            float[] x = new float[cols];
            for (int c = 0; c < cols; c++) {
                x[c] = (float) rnd.nextGaussian();
            }
            WeightMatrix.matvecAll(pool, x, ms, outs, new float[2][256]);
            for (int i = 0; i < ms.length; i++) {
                for (int r = 0; r < rowCounts[i]; r++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int c = 0; c < cols; c++) {
                        double p = (double) Float.float16ToFloat(h[i][r * cols + c]) * x[c];
                        exact += p;
                        magnitude += Math.abs(p);
                    }
                    assertEquals(exact, outs[i][r], 1e-6 * magnitude + 1e-30, "matrix " + i + " row " + r);
                }
            }
        }
    }

    private static MemorySegment floats(Arena arena, float[] v) {
        MemorySegment s = arena.allocate(4L * v.length, 64);
        for (int i = 0; i < v.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v[i]);
        }
        return s;
    }

    /** A matrix of {@code type} holding {@code values} rounded to it; {@code values} then holds what it holds. */
    private static WeightMatrix matrix(Arena arena, GgmlType type, int rows, int cols, float[] values) {
        if (type == GgmlType.F32) {
            return new WeightMatrix("w", type, rows, cols, floats(arena, values));
        }
        short[] h = new short[values.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = type == GgmlType.F16 ? Float.floatToFloat16(values[i]) : (short) (Float.floatToRawIntBits(values[i]) >>> 16);
            values[i] = widened(type, h[i]);
        }
        return new WeightMatrix("w", type, rows, cols, halves(arena, h));
    }

    private static void assertBatchMatches(float[] w, int rows, int cols, float[] x, int tokens, float[] out, String what) {
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    double p = (double) w[r * cols + c] * x[t * cols + c];
                    exact += p;
                    magnitude += Math.abs(p);
                }
                assertEquals(exact, out[t * rows + r], 1e-6 * magnitude + 1e-30, what + " token " + t + " row " + r);
            }
        }
    }

    @Test
    void prefillProductsMatchTheExactSum() {
        Random rnd = new Random(23);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.BF16, GgmlType.F32}) {
                // whole groups of 64 rows and partial ones (208: a last group of one tile, 112: of three; 13 and 200 are
                // not in whole tiles and keep the row-by-row kernels); columns within one chunk and across chunks of 128;
                // tokens: one panel of six, panels of six and four with a single token left, many panels
                for (int rows : new int[] {64, 208, 112, 13, 200}) {
                    for (int cols : new int[] {32, 416}) {
                        for (int tokens : new int[] {2, 6, 11, 131}) {
                            float[] w = new float[rows * cols];
                            for (int i = 0; i < w.length; i++) {
                                w[i] = (float) (rnd.nextGaussian() * Math.pow(10, -rnd.nextInt(5)));
                            }
                            WeightMatrix m = matrix(arena, type, rows, cols, w);
                            float[] x = new float[tokens * cols];
                            for (int i = 0; i < x.length; i++) {
                                x[i] = (float) rnd.nextGaussian();
                            }
                            float[] out = new float[tokens * rows];
                            java.util.Arrays.fill(out, Float.NaN); // every output is written, none only added to
                            m.matmul(pool, x, tokens, out, new float[2][4 * cols + 64]);
                            assertBatchMatches(w, rows, cols, x, tokens, out, type + " " + rows + "x" + cols + " x " + tokens + " tokens");
                        }
                    }
                }
            }
        }
    }

    @Test
    void prefillOfSeveralMatricesSharesOneInput() {
        Random rnd = new Random(29);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            int cols = 256;
            int tokens = 17;
            int[] rowCounts = {128, 40, 72};
            GgmlType[] types = {GgmlType.BF16, GgmlType.F16, GgmlType.F32};
            WeightMatrix[] ms = new WeightMatrix[rowCounts.length];
            float[][] w = new float[rowCounts.length][];
            float[][] outs = new float[rowCounts.length][];
            for (int i = 0; i < ms.length; i++) {
                w[i] = new float[rowCounts[i] * cols];
                for (int j = 0; j < w[i].length; j++) {
                    w[i][j] = (float) rnd.nextGaussian();
                }
                ms[i] = matrix(arena, types[i], rowCounts[i], cols, w[i]);
                outs[i] = new float[tokens * rowCounts[i]];
            }
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            WeightMatrix.matmulAll(pool, x, tokens, ms, outs, new float[2][4 * cols]);
            for (int i = 0; i < ms.length; i++) {
                assertBatchMatches(w[i], rowCounts[i], cols, x, tokens, outs[i], types[i] + " matrix " + i);
            }
        }
    }

    @Test
    void prefillOfAnF16MatrixWithAnInfinityStaysExact() {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            int rows = 64;
            int cols = 64;
            int tokens = 8;
            short[] h = weights(GgmlType.F16, rows * cols, new Random(31));
            h[5 * cols + 7] = (short) 0x7C00;
            h[9 * cols + 1] = (short) 0x7E00;
            WeightMatrix m = new WeightMatrix("w", GgmlType.F16, rows, cols, halves(arena, h));
            float[] x = new float[tokens * cols];
            java.util.Arrays.fill(x, 0.25f);
            float[] out = new float[tokens * rows];
            m.matmul(pool, x, tokens, out, new float[2][4 * cols]);
            for (int t = 0; t < tokens; t++) {
                assertEquals(Float.POSITIVE_INFINITY, out[t * rows + 5], "token " + t + ": an infinite weight times 0.25");
                assertTrue(Float.isNaN(out[t * rows + 9]), "token " + t + ": a NaN weight");
                assertTrue(Float.isFinite(out[t * rows + 4]), "token " + t + ": a finite row stays finite");
            }
        }
    }
}
