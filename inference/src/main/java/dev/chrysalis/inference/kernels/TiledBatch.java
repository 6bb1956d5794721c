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
 * every token pays more. So a group of {@link #GROUP_TILES} tiles is dequantized {@link #K_CHUNK} columns
 * at a time into a column-major float block that stays in L1 ({@code [column][row]}: rows are lanes,
 * as in the tiles), and multiplied with several tokens at a time by an outer-product kernel: per column,
 * one weight vector per tile, one broadcast per token and an FMA for each pair into its own accumulator.
 * No horizontal sums, and nothing but FMAs in the inner loop.
 *
 * <p>With 512-bit lanes (32 vector registers) the kernel holds 4 tiles x 6 tokens = 24 accumulators:
 * 10 loads feed 24 FMAs, so the FMA ports, not the loads, set the pace (72 against 45 GMAC/s per thread
 * for 2 tiles x 4 tokens, measured alone on this machine's cores). With 256-bit lanes (16 registers) that
 * would spill, so there it stays at 2 tiles x 4 tokens.
 *
 * <p>The activations are their Q8_0 values ({@link Q8Activations#roundTrip}), so a prefill multiplies
 * the same numbers as decode's integer kernels, up to float rounding of the sums.
 */
public final class TiledBatch {

    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> SCALE = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    private static final int ROWS = QuantTiles.ROWS;
    /** Tiles multiplied together: 4 where 24 accumulators fit in the registers (512-bit lanes), else 2. */
    public static final int GROUP_TILES = F.length() >= 16 ? 4 : 2;
    /** Columns dequantized at a time: a group's block of {@code K_CHUNK x GROUP_TILES x ROWS} floats is 32 KiB, within L1. */
    static final int K_CHUNK = 8192 / (GROUP_TILES * ROWS);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[K_CHUNK * GROUP_TILES * ROWS]);

    private TiledBatch() {
    }

    /**
     * {@code out[tok * rows + row] = row . x_tok} for the rows of tiles {@code [t0, t1)} and every token
     * ({@code x} holds {@code tokens} rows of {@code cols} values).
     */
    public static void matmul(QuantTiles.Format f, MemorySegment w, int rows, int cols, float[] x, int tokens, int t0, int t1, float[] out) {
        float[] wt = BLOCK.get();
        int blocks = cols >> 5;
        // Tokens for the 4 x 6 kernel: sixes, then fours, so 128 tokens are 20 x 6 + 2 x 4, not 21 x 6 + 2 tokens
        // one at a time.
        int sixes = tokens / 6;
        if (sixes > 0 && (tokens % 6 == 2 || tokens % 6 == 3)) {
            sixes--;
        }
        for (int t = t0; t < t1; t += GROUP_TILES) {
            int nt = Math.min(GROUP_TILES, t1 - t);
            int r0 = t * ROWS;
            int valid = Math.min(nt * ROWS, rows - r0);
            // the kernels accumulate into out chunk by chunk (a choice between zero and a load in them
            // would merge two vector values, which C2 boxes: the kernel then runs as plain Java)
            for (int tok = 0; tok < tokens; tok++) {
                java.util.Arrays.fill(out, tok * rows + r0, tok * rows + r0 + valid, 0f);
            }
            int sixEnd = nt == 4 && valid == 4 * ROWS ? 6 * sixes : 0;
            for (int k0 = 0; k0 < cols; k0 += K_CHUNK) {
                int n = Math.min(cols, k0 + K_CHUNK) - k0;
                for (int i = 0; i < nt; i++) {
                    dequantize(f, w, blocks, t + i, k0, n, wt, i * ROWS, nt * ROWS);
                }
                multiplyChunk(wt, nt, valid, n, x, cols, k0, tokens, sixEnd, out, rows, r0);
            }
        }
    }

    /**
     * The dequantized block {@code wt} ({@code nt} tiles, the first {@code valid} rows real, {@code n} columns
     * from {@code k0}) times every token, added into {@code out}: tokens below {@code sixEnd} six at a time
     * over four tiles, then fours over pairs of whole tiles, then one by one.
     */
    private static void multiplyChunk(float[] wt, int nt, int valid, int n, float[] x, int cols, int k0, int tokens,
                                      int sixEnd, float[] out, int rows, int r0) {
        int stride = nt * ROWS;
        int tok = 0;
        for (; tok < sixEnd; tok += 6) {
            quad6(wt, n, x, cols, k0, tok, out, rows, r0);
        }
        if (valid == stride) {
            // the tokens left in fours: tiles in pairs, an odd last tile alone
            int end = tok + ((tokens - tok) & ~3);
            for (int i = 0; i + 2 <= nt; i += 2) {
                for (int tk = tok; tk < end; tk += 4) {
                    pair4(wt, i * ROWS, stride, n, x, cols, k0, tk, out, rows, r0 + i * ROWS);
                }
            }
            if ((nt & 1) != 0) {
                for (int tk = tok; tk < end; tk++) {
                    one(wt, (nt - 1) * ROWS, stride, n, x, tk * cols + k0, out, tk * rows + r0 + (nt - 1) * ROWS, ROWS);
                }
            }
            tok = end;
        }
        for (; tok < tokens; tok++) {
            for (int i = 0; i < nt && i * ROWS < valid; i++) {
                one(wt, i * ROWS, stride, n, x, tok * cols + k0, out, tok * rows + r0 + i * ROWS, Math.min(ROWS, valid - i * ROWS));
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
                FloatVector offset = d.mul(-8f); // (q - 8) * d as one FMA: q * d + (-8 * d)
                for (int m = 0; m < 4; m++) {
                    IntVector v = IntVector.fromMemorySegment(I, w, cell + QuantTiles.GROUP * m, LE);
                    for (int k = 0; k < 4; k++) {
                        IntVector q = v.lanewise(VectorOperators.LSHR, 8 * k);
                        ((FloatVector) q.and(0xF).convert(VectorOperators.I2F, 0)).fma(d, offset)
                                .intoArray(wt, base + (4 * m + k) * stride);
                        ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(0xF).convert(VectorOperators.I2F, 0)).fma(d, offset)
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

    /**
     * Four tiles (full) times tokens {@code tok..tok+5} over {@code n} columns from {@code k0}: 24 accumulators,
     * 4 weight loads and 6 broadcasts per column. Written out: see the class comment.
     */
    private static void quad6(float[] wt, int n, float[] x, int cols, int k0, int tok, float[] out, int rows, int r0) {
        int x0 = tok * cols + k0;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int x4 = x3 + cols;
        int x5 = x4 + cols;
        int o0 = tok * rows + r0;
        int o1 = o0 + rows;
        int o2 = o1 + rows;
        int o3 = o2 + rows;
        int o4 = o3 + rows;
        int o5 = o4 + rows;
        FloatVector a0 = FloatVector.fromArray(F, out, o0);
        FloatVector b0 = FloatVector.fromArray(F, out, o0 + ROWS);
        FloatVector c0 = FloatVector.fromArray(F, out, o0 + 2 * ROWS);
        FloatVector d0 = FloatVector.fromArray(F, out, o0 + 3 * ROWS);
        FloatVector a1 = FloatVector.fromArray(F, out, o1);
        FloatVector b1 = FloatVector.fromArray(F, out, o1 + ROWS);
        FloatVector c1 = FloatVector.fromArray(F, out, o1 + 2 * ROWS);
        FloatVector d1 = FloatVector.fromArray(F, out, o1 + 3 * ROWS);
        FloatVector a2 = FloatVector.fromArray(F, out, o2);
        FloatVector b2 = FloatVector.fromArray(F, out, o2 + ROWS);
        FloatVector c2 = FloatVector.fromArray(F, out, o2 + 2 * ROWS);
        FloatVector d2 = FloatVector.fromArray(F, out, o2 + 3 * ROWS);
        FloatVector a3 = FloatVector.fromArray(F, out, o3);
        FloatVector b3 = FloatVector.fromArray(F, out, o3 + ROWS);
        FloatVector c3 = FloatVector.fromArray(F, out, o3 + 2 * ROWS);
        FloatVector d3 = FloatVector.fromArray(F, out, o3 + 3 * ROWS);
        FloatVector a4 = FloatVector.fromArray(F, out, o4);
        FloatVector b4 = FloatVector.fromArray(F, out, o4 + ROWS);
        FloatVector c4 = FloatVector.fromArray(F, out, o4 + 2 * ROWS);
        FloatVector d4 = FloatVector.fromArray(F, out, o4 + 3 * ROWS);
        FloatVector a5 = FloatVector.fromArray(F, out, o5);
        FloatVector b5 = FloatVector.fromArray(F, out, o5 + ROWS);
        FloatVector c5 = FloatVector.fromArray(F, out, o5 + 2 * ROWS);
        FloatVector d5 = FloatVector.fromArray(F, out, o5 + 3 * ROWS);
        for (int c = 0; c < n; c++) {
            int wo = 4 * ROWS * c;
            FloatVector w0 = FloatVector.fromArray(F, wt, wo);
            FloatVector w1 = FloatVector.fromArray(F, wt, wo + ROWS);
            FloatVector w2 = FloatVector.fromArray(F, wt, wo + 2 * ROWS);
            FloatVector w3 = FloatVector.fromArray(F, wt, wo + 3 * ROWS);
            FloatVector v = FloatVector.broadcast(F, x[x0 + c]);
            a0 = w0.fma(v, a0);
            b0 = w1.fma(v, b0);
            c0 = w2.fma(v, c0);
            d0 = w3.fma(v, d0);
            v = FloatVector.broadcast(F, x[x1 + c]);
            a1 = w0.fma(v, a1);
            b1 = w1.fma(v, b1);
            c1 = w2.fma(v, c1);
            d1 = w3.fma(v, d1);
            v = FloatVector.broadcast(F, x[x2 + c]);
            a2 = w0.fma(v, a2);
            b2 = w1.fma(v, b2);
            c2 = w2.fma(v, c2);
            d2 = w3.fma(v, d2);
            v = FloatVector.broadcast(F, x[x3 + c]);
            a3 = w0.fma(v, a3);
            b3 = w1.fma(v, b3);
            c3 = w2.fma(v, c3);
            d3 = w3.fma(v, d3);
            v = FloatVector.broadcast(F, x[x4 + c]);
            a4 = w0.fma(v, a4);
            b4 = w1.fma(v, b4);
            c4 = w2.fma(v, c4);
            d4 = w3.fma(v, d4);
            v = FloatVector.broadcast(F, x[x5 + c]);
            a5 = w0.fma(v, a5);
            b5 = w1.fma(v, b5);
            c5 = w2.fma(v, c5);
            d5 = w3.fma(v, d5);
        }
        a0.intoArray(out, o0);
        b0.intoArray(out, o0 + ROWS);
        c0.intoArray(out, o0 + 2 * ROWS);
        d0.intoArray(out, o0 + 3 * ROWS);
        a1.intoArray(out, o1);
        b1.intoArray(out, o1 + ROWS);
        c1.intoArray(out, o1 + 2 * ROWS);
        d1.intoArray(out, o1 + 3 * ROWS);
        a2.intoArray(out, o2);
        b2.intoArray(out, o2 + ROWS);
        c2.intoArray(out, o2 + 2 * ROWS);
        d2.intoArray(out, o2 + 3 * ROWS);
        a3.intoArray(out, o3);
        b3.intoArray(out, o3 + ROWS);
        c3.intoArray(out, o3 + 2 * ROWS);
        d3.intoArray(out, o3 + 3 * ROWS);
        a4.intoArray(out, o4);
        b4.intoArray(out, o4 + ROWS);
        c4.intoArray(out, o4 + 2 * ROWS);
        d4.intoArray(out, o4 + 3 * ROWS);
        a5.intoArray(out, o5);
        b5.intoArray(out, o5 + ROWS);
        c5.intoArray(out, o5 + 2 * ROWS);
        d5.intoArray(out, o5 + 3 * ROWS);
    }

    /**
     * Two tiles (full, at lane {@code lane} of a block {@code stride} floats wide) times tokens
     * {@code tok..tok+3} over {@code n} columns from {@code k0}.
     */
    private static void pair4(float[] wt, int lane, int stride, int n, float[] x, int cols, int k0, int tok, float[] out, int rows, int r0) {
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
            int wo = stride * c + lane;
            FloatVector w0 = FloatVector.fromArray(F, wt, wo);
            FloatVector w1 = FloatVector.fromArray(F, wt, wo + ROWS);
            FloatVector w2 = FloatVector.fromArray(F, wt, wo + stride);
            FloatVector w3 = FloatVector.fromArray(F, wt, wo + stride + ROWS);
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
