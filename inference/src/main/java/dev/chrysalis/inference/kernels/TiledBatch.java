package dev.chrysalis.inference.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batched products (prefill) of {@link QuantTiles} with many tokens, in float. Decode's 16-bit kernels
 * unpack every weight once per token or two; with a batch, unpacking once and reusing the weight for
 * every token pays more. So a pair of tiles (32 rows on AVX-512) is dequantized {@link #K_CHUNK} columns
 * at a time into a column-major float block that stays in L1 ({@code [column][row]}: rows are lanes,
 * as in the tiles), and multiplied with four tokens at a time by an outer-product kernel: per column, two
 * weight vectors, four broadcasts of the tokens' values and eight FMAs into eight accumulators. No
 * horizontal sums, and nothing but FMAs in the inner loop.
 *
 * <p>The activations are their Q8_0 values ({@link Q8Activations#roundTrip}), so a prefill multiplies
 * the same numbers as decode's integer kernels, up to float rounding of the sums.
 */
public final class TiledBatch {

    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> SCALE = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    private static final int ROWS = QuantTiles.ROWS;
    /** Columns dequantized at a time: 256 x 32 rows x 4 bytes = 32 KiB, within L1. */
    static final int K_CHUNK = 256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[K_CHUNK * 2 * ROWS]);

    private TiledBatch() {
    }

    /**
     * {@code out[tok * rows + row] = row . x_tok} for the rows of tiles {@code [t0, t1)} and every token
     * ({@code x} holds {@code tokens} rows of {@code cols} values).
     */
    public static void matmul(QuantTiles.Format f, MemorySegment w, int rows, int cols, float[] x, int tokens, int t0, int t1, float[] out) {
        float[] wt = BLOCK.get();
        int blocks = cols >> 5;
        for (int t = t0; t < t1; t += 2) {
            int nt = Math.min(2, t1 - t);
            int r0 = t * ROWS;
            int valid = Math.min(nt * ROWS, rows - r0);
            // the kernels accumulate into out chunk by chunk (a choice between zero and a load in them
            // would merge two vector values, which C2 boxes: the kernel then runs as plain Java)
            for (int tok = 0; tok < tokens; tok++) {
                java.util.Arrays.fill(out, tok * rows + r0, tok * rows + r0 + valid, 0f);
            }
            for (int k0 = 0; k0 < cols; k0 += K_CHUNK) {
                int n = Math.min(cols, k0 + K_CHUNK) - k0;
                for (int i = 0; i < nt; i++) {
                    dequantize(f, w, blocks, t + i, k0, n, wt, i * ROWS, nt * ROWS);
                }
                int tok = 0;
                if (nt == 2 && valid == 2 * ROWS) {
                    for (; tok + 4 <= tokens; tok += 4) {
                        pair4(wt, n, x, cols, k0, tok, out, rows, r0);
                    }
                }
                for (; tok < tokens; tok++) {
                    for (int i = 0; i < nt; i++) {
                        one(wt, i * ROWS, nt * ROWS, n, x, tok * cols + k0, out, tok * rows + r0 + i * ROWS,
                                Math.min(ROWS, valid - i * ROWS));
                    }
                }
            }
        }
    }

    /**
     * Columns {@code [k0, k0+n)} of tile {@code t} as floats into {@code wt[(c - k0) * stride + lane + r]}.
     */
    private static void dequantize(QuantTiles.Format f, MemorySegment w, int blocks, int t, int k0, int n, float[] wt, int lane, int stride) {
        long cellBytes = f.cell();
        long tile = (long) t * blocks * cellBytes;
        for (int b = k0 >> 5; b < (k0 + n) >> 5; b++) {
            long cell = tile + b * cellBytes;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, cell + f.scales(), LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            FloatVector d = mag.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            int base = (32 * b - k0) * stride + lane;
            if (f == QuantTiles.Format.Q4_0) {
                for (int m = 0; m < 4; m++) {
                    IntVector v = IntVector.fromMemorySegment(I, w, cell + QuantTiles.GROUP * m, LE);
                    for (int k = 0; k < 4; k++) {
                        IntVector q = v.lanewise(VectorOperators.LSHR, 8 * k);
                        ((FloatVector) q.and(0xF).sub(8).convert(VectorOperators.I2F, 0)).mul(d)
                                .intoArray(wt, base + (4 * m + k) * stride);
                        ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).convert(VectorOperators.I2F, 0)).mul(d)
                                .intoArray(wt, base + (4 * m + k + 16) * stride);
                    }
                }
            } else {
                for (int m = 0; m < 8; m++) {
                    IntVector v = IntVector.fromMemorySegment(I, w, cell + QuantTiles.GROUP * m, LE);
                    for (int k = 0; k < 4; k++) {
                        IntVector q = v.lanewise(VectorOperators.LSHL, 24 - 8 * k).lanewise(VectorOperators.ASHR, 24);
                        ((FloatVector) q.convert(VectorOperators.I2F, 0)).mul(d).intoArray(wt, base + (4 * m + k) * stride);
                    }
                }
            }
        }
    }

    /** Two tiles (full) times tokens {@code tok..tok+3} over {@code n} columns from {@code k0}. */
    private static void pair4(float[] wt, int n, float[] x, int cols, int k0, int tok, float[] out, int rows, int r0) {
        int x0 = tok * cols + k0;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int o0 = tok * rows + r0;
        int o1 = o0 + rows;
        int o2 = o1 + rows;
        int o3 = o2 + rows;
        FloatVector a0 = FloatVector.fromArray(F, out, o0);
        FloatVector b0 = FloatVector.fromArray(F, out, o0 + ROWS);
        FloatVector a1 = FloatVector.fromArray(F, out, o1);
        FloatVector b1 = FloatVector.fromArray(F, out, o1 + ROWS);
        FloatVector a2 = FloatVector.fromArray(F, out, o2);
        FloatVector b2 = FloatVector.fromArray(F, out, o2 + ROWS);
        FloatVector a3 = FloatVector.fromArray(F, out, o3);
        FloatVector b3 = FloatVector.fromArray(F, out, o3 + ROWS);
        // two columns an iteration (n is a multiple of 32): +25-35% over one in isolation, the same sums
        for (int c = 0; c < n; c += 2) {
            FloatVector w0 = FloatVector.fromArray(F, wt, 2 * ROWS * c);
            FloatVector w1 = FloatVector.fromArray(F, wt, 2 * ROWS * c + ROWS);
            FloatVector w2 = FloatVector.fromArray(F, wt, 2 * ROWS * c + 2 * ROWS);
            FloatVector w3 = FloatVector.fromArray(F, wt, 2 * ROWS * c + 3 * ROWS);
            FloatVector v = FloatVector.broadcast(F, x[x0 + c]);
            a0 = w0.fma(v, a0);
            b0 = w1.fma(v, b0);
            v = FloatVector.broadcast(F, x[x1 + c]);
            a1 = w0.fma(v, a1);
            b1 = w1.fma(v, b1);
            v = FloatVector.broadcast(F, x[x2 + c]);
            a2 = w0.fma(v, a2);
            b2 = w1.fma(v, b2);
            v = FloatVector.broadcast(F, x[x3 + c]);
            a3 = w0.fma(v, a3);
            b3 = w1.fma(v, b3);
            v = FloatVector.broadcast(F, x[x0 + c + 1]);
            a0 = w2.fma(v, a0);
            b0 = w3.fma(v, b0);
            v = FloatVector.broadcast(F, x[x1 + c + 1]);
            a1 = w2.fma(v, a1);
            b1 = w3.fma(v, b1);
            v = FloatVector.broadcast(F, x[x2 + c + 1]);
            a2 = w2.fma(v, a2);
            b2 = w3.fma(v, b2);
            v = FloatVector.broadcast(F, x[x3 + c + 1]);
            a3 = w2.fma(v, a3);
            b3 = w3.fma(v, b3);
        }
        a0.intoArray(out, o0);
        b0.intoArray(out, o0 + ROWS);
        a1.intoArray(out, o1);
        b1.intoArray(out, o1 + ROWS);
        a2.intoArray(out, o2);
        b2.intoArray(out, o2 + ROWS);
        a3.intoArray(out, o3);
        b3.intoArray(out, o3 + ROWS);
    }

    /** One tile's rows (the first {@code valid}) times one token over {@code n} columns. */
    private static void one(float[] wt, int lane, int stride, int n, float[] x, int xo, float[] out, int o, int valid) {
        VectorMask<Float> in = F.indexInRange(0, valid);
        FloatVector a = FloatVector.fromArray(F, out, o, in);
        for (int c = 0; c < n; c++) {
            a = FloatVector.fromArray(F, wt, stride * c + lane).fma(FloatVector.broadcast(F, x[xo + c]), a);
        }
        a.intoArray(out, o, in);
    }
}
