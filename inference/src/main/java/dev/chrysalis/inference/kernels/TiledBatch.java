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
    /**
     * Per thread, the sums of a group of four tiles for the tokens of the panels, {@code [token][4 * ROWS]}:
     * the 4 x 6 and 4 x 4 kernels then address their accumulators from one base, which keeps C2 from
     * spilling the loop's own pointers (a token's row of {@code out} each took a register): 66 -> 81 GMAC/s
     * for the 4 x 6 kernel alone.
     */
    private static final ThreadLocal<float[]> GROUP_ACC = ThreadLocal.withInitial(() -> new float[0]);

    private TiledBatch() {
    }

    /**
     * A batch's activations as the kernels read them. {@code rows}: {@code tokens} rows of {@code cols} values
     * (their Q8_0 values). {@code panels}: the tokens below {@code fourEnd} again, in panels of six tokens
     * (below {@code sixEnd}), then of four, each panel column by column: token {@code p0 + j} of a panel of
     * {@code p} tokens starting at {@code p0} has column c at {@code p0 * cols + p * c + j}. The 4 x 6 and
     * 4 x 4 kernels then read their broadcasts from consecutive bytes, one stream instead of a row 8 KiB or
     * more apart per token, each with its own address: 64 -> 78 GMAC/s per thread for the 4 x 6 kernel alone
     * on this machine.
     */
    public record Activations(float[] rows, float[] panels, int sixEnd, int fourEnd, int tokens, int cols) {
    }

    /** Per calling thread, the buffer for {@link Activations#panels} (reused, as {@link Q8Activations#roundTrip}'s). */
    private static final ThreadLocal<float[]> PANELS = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * {@code tokens} rows of {@code cols} values rounded to their Q8_0 values and laid out for {@link #matmul};
     * the arrays are this thread's buffers, valid until its next call.
     */
    public static Activations activations(WorkerPool pool, float[] x, int cols, int tokens) {
        float[] xq = Q8Activations.roundTrip(pool, x, cols, tokens);
        // the panels serve the four-tile kernels only (512-bit lanes)
        int sixEnd = GROUP_TILES == 4 ? sixTokens(tokens) : 0;
        int fourEnd = GROUP_TILES == 4 ? sixEnd + ((tokens - sixEnd) & ~3) : 0;
        float[] panels = PANELS.get();
        if (panels.length < fourEnd * cols) {
            panels = new float[fourEnd * cols];
            PANELS.set(panels);
        }
        float[] packed = panels;
        int sixes = sixEnd / 6;
        pool.forRange(sixes + (fourEnd - sixEnd) / 4, 1, (s, e, t) -> {
            for (int g = s; g < e; g++) {
                int p = g < sixes ? 6 : 4;
                int p0 = g < sixes ? 6 * g : sixEnd + 4 * (g - sixes);
                for (int j = 0; j < p; j++) {
                    int src = (p0 + j) * cols;
                    int dst = p0 * cols + j;
                    for (int c = 0; c < cols; c++) {
                        packed[dst + p * c] = xq[src + c];
                    }
                }
            }
        });
        return new Activations(xq, packed, sixEnd, fourEnd, tokens, cols);
    }

    /**
     * Tokens the 4 x 6 kernel takes: sixes, leaving fours for the next kernel, so 128 tokens are 20 x 6 + 2 x 4,
     * not 21 x 6 + 2 tokens one at a time.
     */
    static int sixTokens(int tokens) {
        int sixes = tokens / 6;
        if (sixes > 0 && (tokens % 6 == 2 || tokens % 6 == 3)) {
            sixes--;
        }
        return 6 * sixes;
    }

    /**
     * {@code out[tok * rows + row] = row . x_tok} for the rows of tiles {@code [t0, t1)} and every token of
     * {@code a}.
     */
    public static void matmul(QuantTiles.Format f, MemorySegment w, int rows, Activations a, int t0, int t1, float[] out) {
        float[] wt = BLOCK.get();
        int cols = a.cols();
        int tokens = a.tokens();
        int blocks = cols >> 5;
        float[] acc = GROUP_ACC.get();
        if (acc.length < a.fourEnd() * GROUP_TILES * ROWS) {
            acc = new float[a.fourEnd() * GROUP_TILES * ROWS];
            GROUP_ACC.set(acc);
        }
        for (int t = t0; t < t1; t += GROUP_TILES) {
            int nt = Math.min(GROUP_TILES, t1 - t);
            int r0 = t * ROWS;
            int valid = Math.min(nt * ROWS, rows - r0);
            boolean panels = nt == 4 && valid == 4 * ROWS;
            // the kernels accumulate chunk by chunk into zeros (a choice between zero and a load in them would
            // merge two vector values, which C2 boxes: the kernel then runs as plain Java)
            int direct = panels ? a.fourEnd() : 0;
            java.util.Arrays.fill(acc, 0, direct * 4 * ROWS, 0f);
            for (int tok = direct; tok < tokens; tok++) {
                java.util.Arrays.fill(out, tok * rows + r0, tok * rows + r0 + valid, 0f);
            }
            for (int k0 = 0; k0 < cols; k0 += K_CHUNK) {
                int n = Math.min(cols, k0 + K_CHUNK) - k0;
                dequantize(f, w, QuantTiles.tiles(rows), blocks, t, nt, k0, n, wt);
                multiplyChunk(wt, nt, valid, n, a, k0, acc, out, rows, r0);
            }
            for (int tok = 0; tok < direct; tok++) {
                System.arraycopy(acc, tok * 4 * ROWS, out, tok * rows + r0, 4 * ROWS);
            }
        }
    }

    /**
     * The dequantized block {@code wt} ({@code nt} tiles, the first {@code valid} rows real, {@code n} columns
     * from {@code k0}) times every token of {@code a}, added into {@code out}. Four whole tiles take the
     * tokens six at a time, then four at a time, from the panels into {@code acc} (see {@link #GROUP_ACC});
     * other blocks (a matrix's last tiles) take
     * them four at a time over pairs of whole tiles. The tokens left go one by one.
     */
    private static void multiplyChunk(float[] wt, int nt, int valid, int n, Activations a, int k0, float[] acc, float[] out, int rows,
                                      int r0) {
        int stride = nt * ROWS;
        int cols = a.cols();
        float[] x = a.rows();
        int tok = 0;
        if (nt == 4 && valid == stride) {
            for (; tok < a.sixEnd(); tok += 6) {
                quad6(wt, n, a.panels(), cols, k0, tok, acc);
            }
            for (; tok < a.fourEnd(); tok += 4) {
                quad4(wt, n, a.panels(), cols, k0, tok, acc);
            }
        } else if (valid == stride) {
            int end = a.tokens() & ~3;
            for (int i = 0; i + 2 <= nt; i += 2) {
                for (int tk = 0; tk < end; tk += 4) {
                    pair4(wt, i * ROWS, stride, n, x, cols, k0, tk, out, rows, r0 + i * ROWS);
                }
            }
            if ((nt & 1) != 0) {
                for (int tk = 0; tk < end; tk++) {
                    one(wt, (nt - 1) * ROWS, stride, n, x, tk * cols + k0, out, tk * rows + r0 + (nt - 1) * ROWS, ROWS);
                }
            }
            tok = end;
        }
        for (; tok < a.tokens(); tok++) {
            for (int i = 0; i < nt && i * ROWS < valid; i++) {
                one(wt, i * ROWS, stride, n, x, tok * cols + k0, out, tok * rows + r0 + i * ROWS, Math.min(ROWS, valid - i * ROWS));
            }
        }
    }

    /**
     * Columns {@code [k0, k0+n)} of tiles {@code t..t+nt-1} (of {@code tiles}) as floats into
     * {@code wt[(c - k0) * nt * ROWS + i * ROWS + r]} for tile {@code t + i}. Block by block, the tiles within:
     * the order of their runs ({@link QuantTiles#quantOffset}), one stream for the prefetchers.
     */
    private static void dequantize(QuantTiles.Format f, MemorySegment w, int tiles, int blocks, int t, int nt, int k0, int n, float[] wt) {
        int stride = nt * ROWS;
        for (int b = k0 >> 5; b < (k0 + n) >> 5; b++) {
            for (int i = 0; i < nt; i++) {
                dequantizeCell(f, w, QuantTiles.quantOffset(f, tiles, blocks, t + i, b), QuantTiles.quantStride(tiles, t + i),
                        QuantTiles.scaleOffset(f, tiles, blocks, t + i, b), wt, (32 * b - k0) * stride + i * ROWS, stride);
            }
        }
    }

    /**
     * One tile's block (32 columns; quant groups from {@code quant}, {@code quantStride} apart, scales at
     * {@code scales}) as floats into {@code wt[base + c * stride + r]}.
     */
    private static void dequantizeCell(QuantTiles.Format f, MemorySegment w, long quant, long quantStride, long scales, float[] wt, int base,
                                       int stride) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        FloatVector d = mag.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
        if (f == QuantTiles.Format.Q4_0) {
            FloatVector offset = d.mul(-8f); // (q - 8) * d as one FMA: q * d + (-8 * d)
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, quant + quantStride * m, LE);
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
                IntVector v = IntVector.fromMemorySegment(I, w, quant + quantStride * m, LE);
                for (int k = 0; k < 4; k++) {
                    IntVector q = v.lanewise(VectorOperators.LSHL, 24 - 8 * k).lanewise(VectorOperators.ASHR, 24);
                    ((FloatVector) q.convert(VectorOperators.I2F, 0)).mul(d).intoArray(wt, base + (4 * m + k) * stride);
                }
            }
        }
    }

    /**
     * Four tiles (full) times tokens {@code tok..tok+5} (a multiple of six) over {@code n} columns from
     * {@code k0}: 24 accumulators (in {@code acc}, see {@link #GROUP_ACC}), 4 weight loads and 6 broadcasts per
     * column, from the six-token panel at {@code tok} ({@link Activations}). Written out: see the class comment.
     */
    private static void quad6(float[] wt, int n, float[] panels, int cols, int k0, int tok, float[] acc) {
        int x0 = tok * cols + 6 * k0;
        int o0 = tok * 4 * ROWS;
        FloatVector a0 = FloatVector.fromArray(F, acc, o0);
        FloatVector b0 = FloatVector.fromArray(F, acc, o0 + ROWS);
        FloatVector c0 = FloatVector.fromArray(F, acc, o0 + 2 * ROWS);
        FloatVector d0 = FloatVector.fromArray(F, acc, o0 + 3 * ROWS);
        FloatVector a1 = FloatVector.fromArray(F, acc, o0 + 4 * ROWS);
        FloatVector b1 = FloatVector.fromArray(F, acc, o0 + 5 * ROWS);
        FloatVector c1 = FloatVector.fromArray(F, acc, o0 + 6 * ROWS);
        FloatVector d1 = FloatVector.fromArray(F, acc, o0 + 7 * ROWS);
        FloatVector a2 = FloatVector.fromArray(F, acc, o0 + 8 * ROWS);
        FloatVector b2 = FloatVector.fromArray(F, acc, o0 + 9 * ROWS);
        FloatVector c2 = FloatVector.fromArray(F, acc, o0 + 10 * ROWS);
        FloatVector d2 = FloatVector.fromArray(F, acc, o0 + 11 * ROWS);
        FloatVector a3 = FloatVector.fromArray(F, acc, o0 + 12 * ROWS);
        FloatVector b3 = FloatVector.fromArray(F, acc, o0 + 13 * ROWS);
        FloatVector c3 = FloatVector.fromArray(F, acc, o0 + 14 * ROWS);
        FloatVector d3 = FloatVector.fromArray(F, acc, o0 + 15 * ROWS);
        FloatVector a4 = FloatVector.fromArray(F, acc, o0 + 16 * ROWS);
        FloatVector b4 = FloatVector.fromArray(F, acc, o0 + 17 * ROWS);
        FloatVector c4 = FloatVector.fromArray(F, acc, o0 + 18 * ROWS);
        FloatVector d4 = FloatVector.fromArray(F, acc, o0 + 19 * ROWS);
        FloatVector a5 = FloatVector.fromArray(F, acc, o0 + 20 * ROWS);
        FloatVector b5 = FloatVector.fromArray(F, acc, o0 + 21 * ROWS);
        FloatVector c5 = FloatVector.fromArray(F, acc, o0 + 22 * ROWS);
        FloatVector d5 = FloatVector.fromArray(F, acc, o0 + 23 * ROWS);
        for (int c = 0; c < n; c++) {
            int wo = 4 * ROWS * c;
            FloatVector w0 = FloatVector.fromArray(F, wt, wo);
            FloatVector w1 = FloatVector.fromArray(F, wt, wo + ROWS);
            FloatVector w2 = FloatVector.fromArray(F, wt, wo + 2 * ROWS);
            FloatVector w3 = FloatVector.fromArray(F, wt, wo + 3 * ROWS);
            int xc = x0 + 6 * c;
            FloatVector v = FloatVector.broadcast(F, panels[xc]);
            a0 = w0.fma(v, a0);
            b0 = w1.fma(v, b0);
            c0 = w2.fma(v, c0);
            d0 = w3.fma(v, d0);
            v = FloatVector.broadcast(F, panels[xc + 1]);
            a1 = w0.fma(v, a1);
            b1 = w1.fma(v, b1);
            c1 = w2.fma(v, c1);
            d1 = w3.fma(v, d1);
            v = FloatVector.broadcast(F, panels[xc + 2]);
            a2 = w0.fma(v, a2);
            b2 = w1.fma(v, b2);
            c2 = w2.fma(v, c2);
            d2 = w3.fma(v, d2);
            v = FloatVector.broadcast(F, panels[xc + 3]);
            a3 = w0.fma(v, a3);
            b3 = w1.fma(v, b3);
            c3 = w2.fma(v, c3);
            d3 = w3.fma(v, d3);
            v = FloatVector.broadcast(F, panels[xc + 4]);
            a4 = w0.fma(v, a4);
            b4 = w1.fma(v, b4);
            c4 = w2.fma(v, c4);
            d4 = w3.fma(v, d4);
            v = FloatVector.broadcast(F, panels[xc + 5]);
            a5 = w0.fma(v, a5);
            b5 = w1.fma(v, b5);
            c5 = w2.fma(v, c5);
            d5 = w3.fma(v, d5);
        }
        a0.intoArray(acc, o0);
        b0.intoArray(acc, o0 + ROWS);
        c0.intoArray(acc, o0 + 2 * ROWS);
        d0.intoArray(acc, o0 + 3 * ROWS);
        a1.intoArray(acc, o0 + 4 * ROWS);
        b1.intoArray(acc, o0 + 5 * ROWS);
        c1.intoArray(acc, o0 + 6 * ROWS);
        d1.intoArray(acc, o0 + 7 * ROWS);
        a2.intoArray(acc, o0 + 8 * ROWS);
        b2.intoArray(acc, o0 + 9 * ROWS);
        c2.intoArray(acc, o0 + 10 * ROWS);
        d2.intoArray(acc, o0 + 11 * ROWS);
        a3.intoArray(acc, o0 + 12 * ROWS);
        b3.intoArray(acc, o0 + 13 * ROWS);
        c3.intoArray(acc, o0 + 14 * ROWS);
        d3.intoArray(acc, o0 + 15 * ROWS);
        a4.intoArray(acc, o0 + 16 * ROWS);
        b4.intoArray(acc, o0 + 17 * ROWS);
        c4.intoArray(acc, o0 + 18 * ROWS);
        d4.intoArray(acc, o0 + 19 * ROWS);
        a5.intoArray(acc, o0 + 20 * ROWS);
        b5.intoArray(acc, o0 + 21 * ROWS);
        c5.intoArray(acc, o0 + 22 * ROWS);
        d5.intoArray(acc, o0 + 23 * ROWS);
    }

    /** {@link #quad6} for the four-token panel at {@code tok}: 16 accumulators. */
    private static void quad4(float[] wt, int n, float[] panels, int cols, int k0, int tok, float[] acc) {
        int x0 = tok * cols + 4 * k0;
        int o0 = tok * 4 * ROWS;
        FloatVector a0 = FloatVector.fromArray(F, acc, o0);
        FloatVector b0 = FloatVector.fromArray(F, acc, o0 + ROWS);
        FloatVector c0 = FloatVector.fromArray(F, acc, o0 + 2 * ROWS);
        FloatVector d0 = FloatVector.fromArray(F, acc, o0 + 3 * ROWS);
        FloatVector a1 = FloatVector.fromArray(F, acc, o0 + 4 * ROWS);
        FloatVector b1 = FloatVector.fromArray(F, acc, o0 + 5 * ROWS);
        FloatVector c1 = FloatVector.fromArray(F, acc, o0 + 6 * ROWS);
        FloatVector d1 = FloatVector.fromArray(F, acc, o0 + 7 * ROWS);
        FloatVector a2 = FloatVector.fromArray(F, acc, o0 + 8 * ROWS);
        FloatVector b2 = FloatVector.fromArray(F, acc, o0 + 9 * ROWS);
        FloatVector c2 = FloatVector.fromArray(F, acc, o0 + 10 * ROWS);
        FloatVector d2 = FloatVector.fromArray(F, acc, o0 + 11 * ROWS);
        FloatVector a3 = FloatVector.fromArray(F, acc, o0 + 12 * ROWS);
        FloatVector b3 = FloatVector.fromArray(F, acc, o0 + 13 * ROWS);
        FloatVector c3 = FloatVector.fromArray(F, acc, o0 + 14 * ROWS);
        FloatVector d3 = FloatVector.fromArray(F, acc, o0 + 15 * ROWS);
        for (int c = 0; c < n; c++) {
            int wo = 4 * ROWS * c;
            FloatVector w0 = FloatVector.fromArray(F, wt, wo);
            FloatVector w1 = FloatVector.fromArray(F, wt, wo + ROWS);
            FloatVector w2 = FloatVector.fromArray(F, wt, wo + 2 * ROWS);
            FloatVector w3 = FloatVector.fromArray(F, wt, wo + 3 * ROWS);
            int xc = x0 + 4 * c;
            FloatVector v = FloatVector.broadcast(F, panels[xc]);
            a0 = w0.fma(v, a0);
            b0 = w1.fma(v, b0);
            c0 = w2.fma(v, c0);
            d0 = w3.fma(v, d0);
            v = FloatVector.broadcast(F, panels[xc + 1]);
            a1 = w0.fma(v, a1);
            b1 = w1.fma(v, b1);
            c1 = w2.fma(v, c1);
            d1 = w3.fma(v, d1);
            v = FloatVector.broadcast(F, panels[xc + 2]);
            a2 = w0.fma(v, a2);
            b2 = w1.fma(v, b2);
            c2 = w2.fma(v, c2);
            d2 = w3.fma(v, d2);
            v = FloatVector.broadcast(F, panels[xc + 3]);
            a3 = w0.fma(v, a3);
            b3 = w1.fma(v, b3);
            c3 = w2.fma(v, c3);
            d3 = w3.fma(v, d3);
        }
        a0.intoArray(acc, o0);
        b0.intoArray(acc, o0 + ROWS);
        c0.intoArray(acc, o0 + 2 * ROWS);
        d0.intoArray(acc, o0 + 3 * ROWS);
        a1.intoArray(acc, o0 + 4 * ROWS);
        b1.intoArray(acc, o0 + 5 * ROWS);
        c1.intoArray(acc, o0 + 6 * ROWS);
        d1.intoArray(acc, o0 + 7 * ROWS);
        a2.intoArray(acc, o0 + 8 * ROWS);
        b2.intoArray(acc, o0 + 9 * ROWS);
        c2.intoArray(acc, o0 + 10 * ROWS);
        d2.intoArray(acc, o0 + 11 * ROWS);
        a3.intoArray(acc, o0 + 12 * ROWS);
        b3.intoArray(acc, o0 + 13 * ROWS);
        c3.intoArray(acc, o0 + 14 * ROWS);
        d3.intoArray(acc, o0 + 15 * ROWS);
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
