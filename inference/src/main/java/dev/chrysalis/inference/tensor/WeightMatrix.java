package dev.chrysalis.inference.tensor;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufTensor;
import dev.chrysalis.inference.gguf.HugePages;
import dev.chrysalis.inference.kernels.QuantTiles;
import dev.chrysalis.inference.kernels.TiledBatch;
import dev.chrysalis.inference.kernels.Q8Activations;
import dev.chrysalis.inference.kernels.VectorKernels;
import dev.chrysalis.inference.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight tensor in GGML layout (rows of {@code cols} contiguous elements) read in place from the
 * mapped file, with the matrix products the forward pass needs. Products never dequantize the whole
 * matrix: decode fuses dequantization into the dot product; a batched product dequantizes one row at a
 * time into a per-thread buffer and reuses it for every token of the batch, so weights are read from
 * memory once per batch.
 *
 * <p>A Q4_0, Q4_1, Q4_K, Q5_K, Q6_K or Q8_0 matrix can instead be {@linkplain #tiled tiled}: repacked once into {@link QuantTiles} and
 * multiplied with activations quantized to Q8 (as llama.cpp does), several times faster than the float
 * kernels but no longer exact (the error of 8-bit activations, about 0.4% of each product's magnitude).
 */
public final class WeightMatrix {

    /** Columns per chunk of the blocked prefill kernel: 4 dequantized rows of it stay in L1. */
    private static final int K_CHUNK = 512;

    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final MemorySegment data;
    /** Null, or the same matrix repacked into {@link QuantTiles} that the products use instead of {@code data}. */
    private final MemorySegment tiles;
    /**
     * For F16: 0 not looked at yet, 1 no half is an infinity or a NaN (decode may take {@link VectorKernels#dotHalfRows}),
     * 2 some half is. Looked at by the first product, not while loading: a model that runs on the GPU, or a token
     * embedding only ever dequantized, is never scanned. Threads that race here compute the same answer.
     */
    private volatile int halves;

    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this(name, type, rows, cols, data, null);
    }

    private WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, MemorySegment tiles) {
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + cols + " columns is not a multiple of the " + type + " block size");
        }
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
        if (data.byteSize() < rowBytes * rows) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes cannot hold " + rows + "x" + cols + " " + type);
        }
        this.data = data;
        this.tiles = tiles;
    }

    /** Whether this matrix can be {@linkplain #tiled tiled} on this machine: Q4_0, Q4_1, Q4_K, Q5_K, Q6_K or Q8_0 with 256- or 512-bit vectors. */
    public boolean tileable() {
        return tileFormat() != null && QuantTiles.fits(rows, cols);
    }

    /** The tile format of this matrix's type, or null for types that do not tile. */
    private QuantTiles.Format tileFormat() {
        return switch (type) {
            case Q4_0 -> QuantTiles.Format.Q4_0;
            case Q4_1 -> QuantTiles.Format.Q4_1;
            case Q4_K -> QuantTiles.Format.Q4_K;
            case Q5_K -> QuantTiles.Format.Q5_K;
            case Q6_K -> QuantTiles.Format.Q6_K;
            case Q8_0 -> QuantTiles.Format.Q8_0;
            default -> null;
        };
    }

    public boolean isTiled() {
        return tiles != null;
    }

    /**
     * This matrix repacked into tiles in memory owned by {@code arena} (2 MiB pages where possible),
     * the repacking split across {@code pool}; the file's pages it was copied from are dropped from the
     * resident set. {@link #data()} still reads the file's layout.
     *
     * @throws IllegalStateException if not {@link #tileable()}
     */
    public WeightMatrix tiled(WorkerPool pool, Arena arena) {
        return tiles != null ? this : tiledInto(pool, HugePages.allocate(tileBytes(), arena));
    }

    /**
     * Bytes of this matrix's tiles ({@link #tiledInto}), a multiple of 64.
     *
     * @throws IllegalStateException if not {@link #tileable()}
     */
    public long tileBytes() {
        if (!tileable()) {
            throw new IllegalStateException(this + " cannot be tiled (Q4_0, Q4_1, Q4_K, Q5_K, Q6_K and Q8_0 only, on a machine with 256- or 512-bit vectors)");
        }
        return (QuantTiles.byteSize(tileFormat(), rows, cols) + 63) & -64L;
    }

    /**
     * {@link #tiled}, the tiles written into {@code t} (zeroed, at least {@link #tileBytes()} long, 64-byte aligned):
     * a model's matrices share one region of 2 MiB pages this way ({@link dev.chrysalis.inference.model.ModelWeights#tiled}).
     */
    public WeightMatrix tiledInto(WorkerPool pool, MemorySegment t) {
        if (tiles != null) {
            return this;
        }
        long bytes = tileBytes();
        if (t.byteSize() < bytes || t.address() % 64 != 0) {
            throw new IllegalArgumentException(this + ": tiles need " + bytes + " bytes 64-byte aligned, got " + t.byteSize() + " at " + t.address());
        }
        QuantTiles.Format f = tileFormat();
        MemorySegment src = data();
        pool.forRange(QuantTiles.tiles(rows), 8, (s, e, thread) -> QuantTiles.repack(f, src, t, rows, cols, s, e));
        HugePages.release(src);
        return new WeightMatrix(name, type, rows, cols, data, t);
    }

    /** A matrix view of a 1-D or 2-D tensor (shape [cols, rows] in GGML order). */
    public static WeightMatrix of(GgufTensor t) {
        return new WeightMatrix(t.name(), t.type(), Math.toIntExact(t.dim(1) * t.dim(2) * t.dim(3)),
                Math.toIntExact(t.dim(0)), t.data());
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public long byteSize() {
        return rowBytes * rows;
    }

    /** The matrix's bytes as stored in the file ({@link #byteSize()} of them): what a GPU upload copies. */
    public MemorySegment data() {
        return data.asSlice(0, byteSize());
    }

    private boolean usesBlockSums() {
        return type == GgmlType.Q4_0 || type == GgmlType.Q4_K;
    }

    /** Dequantizes row {@code row} into {@code y[yo..yo+cols)}. */
    public void dequantizeRow(int row, float[] y, int yo) {
        if (tiles != null) {
            QuantTiles.dequantizeRow(tileFormat(), tiles, rows, cols, row, y, yo);
            return;
        }
        long off = row * rowBytes;
        switch (type) {
            case F32 -> VectorKernels.copyF32(data, off, y, yo, cols);
            case F16 -> VectorKernels.dequantF16(data, off, y, yo, cols);
            case BF16 -> VectorKernels.dequantBF16(data, off, y, yo, cols);
            case Q8_0 -> VectorKernels.dequantQ8_0(data, off, y, yo, cols);
            case Q4_0 -> VectorKernels.dequantQ4_0(data, off, y, yo, cols);
            case Q4_K -> {
                if (VectorKernels.hasQ4KKernel()) {
                    VectorKernels.dequantQ4_K(data, off, y, yo, cols);
                } else {
                    Dequantize.dequantize(type, data, off, y, yo, cols);
                }
            }
            case Q6_K -> {
                if (VectorKernels.hasQ4KKernel()) {
                    VectorKernels.dequantQ6_K(data, off, y, yo, cols);
                } else {
                    Dequantize.dequantize(type, data, off, y, yo, cols);
                }
            }
            default -> Dequantize.dequantize(type, data, off, y, yo, cols);
        }
    }

    /**
     * Dot product of row {@code row} with {@code x[xo..xo+cols)}. {@code scratch} (at least 256 floats)
     * holds one dequantized block for the formats without a fused kernel.
     */
    public float dot(int row, float[] x, int xo, float[] scratch) {
        if (tiles != null) {
            float[] w = new float[cols];
            QuantTiles.dequantizeRow(tileFormat(), tiles, rows, cols, row, w, 0);
            return VectorKernels.dot(w, 0, x, xo, cols);
        }
        return dot(row, x, xo, scratch, usesBlockSums() ? VectorKernels.blockSums(x, xo + cols) : null);
    }

    /** As {@link #dot(int, float[], int, float[])} with the 32-block sums of x precomputed (used by Q4_0). */
    private float dot(int row, float[] x, int xo, float[] scratch, float[] blockSums) {
        long off = row * rowBytes;
        return switch (type) {
            case F32 -> VectorKernels.dotF32(data, off, x, xo, cols);
            case F16 -> VectorKernels.dotF16(data, off, x, xo, cols);
            case BF16 -> VectorKernels.dotBF16(data, off, x, xo, cols);
            case Q8_0 -> VectorKernels.dotQ8_0(data, off, x, xo, cols);
            case Q4_0 -> VectorKernels.dotQ4_0(data, off, x, xo, cols, blockSums);
            case Q4_K -> VectorKernels.hasQ4KKernel() && (xo & 31) == 0
                    ? VectorKernels.dotQ4_K(data, off, x, xo, cols, blockSums) : dequantizedDot(off, x, xo, scratch);
            case Q6_K -> VectorKernels.hasQ4KKernel() ? VectorKernels.dotQ6_K(data, off, x, xo, cols) : dequantizedDot(off, x, xo, scratch);
            default -> dequantizedDot(off, x, xo, scratch);
        };
    }

    /** Dot product through a dequantized copy of one block (or 256 values) at a time. */
    private float dequantizedDot(long off, float[] x, int xo, float[] scratch) {
        int bs = type.blockSize();
        int chunk = bs == 1 ? Math.min(cols, 256) : bs;
        float sum = 0;
        for (int c = 0; c < cols; c += chunk) {
            int len = Math.min(chunk, cols - c);
            Dequantize.dequantize(type, data, off + type.byteSize(c), scratch, 0, len);
            sum += VectorKernels.dot(scratch, 0, x, xo + c, len);
        }
        return sum;
    }

    /** Whether this F16 matrix holds no infinite or NaN half (see {@link #halves}). */
    private boolean halvesFinite() {
        int h = halves;
        if (h == 0) {
            h = VectorKernels.halvesFinite(data, 0, rowBytes * rows) ? 1 : 2;
            halves = h;
        }
        return h == 1;
    }

    /** {@code out[r] = row_r . x} for every row, rows split across the pool. */
    public void matvec(WorkerPool pool, float[] x, float[] out, float[][] scratch) {
        if (tiles != null) {
            tiledMatvecAll(pool, x, new WeightMatrix[] {this}, new float[][] {out});
            return;
        }
        int grain = Math.max(1, 16384 / Math.max(1, cols));
        float[] sums = usesBlockSums() ? VectorKernels.blockSums(x, cols) : null;
        pool.forRange(rows, grain, (s, e, t) -> dotRows(s, e, x, out, scratch[t], sums));
    }

    /**
     * {@code out[r] = row_r . x} for rows {@code [from, to)}. The row loops of the fused formats call
     * their kernel directly instead of through {@link #dot(int, float[], int, float[], float[])}'s per-row
     * switch: 4.1 -> 4.8 G weights per CPU-second on TinyLlama's Q4_0 FFN matrices (mapped in 2 MiB pages,
     * one thread; the same kernel called in a plain loop over a segment from outside ran at 6.5-7.3).
     */
    private void dotRows(int from, int to, float[] x, float[] out, float[] sc, float[] sums) {
        switch (type) {
            case Q8_0 -> {
                for (int r = from; r < to; r++) {
                    out[r] = VectorKernels.dotQ8_0(data, r * rowBytes, x, 0, cols);
                }
            }
            case Q4_0 -> {
                for (int r = from; r < to; r++) {
                    out[r] = VectorKernels.dotQ4_0(data, r * rowBytes, x, 0, cols, sums);
                }
            }
            case F16, BF16 -> {
                boolean bfloat = type == GgmlType.BF16;
                // a matrix holding an infinite or NaN half, or rows the kernel does not take, converts every half exactly
                if (VectorKernels.rowStep() > 0 && cols % VectorKernels.rowStep() == 0 && (bfloat || halvesFinite())) {
                    // the kernel keeps a scaled copy of x in the scratch (a caller's may be short: the forward pass's is not)
                    float[] room = sc != null && sc.length >= VectorKernels.lanes() + cols ? sc : new float[VectorKernels.lanes() + cols];
                    VectorKernels.dotHalfRows(bfloat, data, from * rowBytes, to - from, cols, x, out, from, room);
                } else {
                    for (int r = from; r < to; r++) {
                        out[r] = dot(r, x, 0, sc, sums);
                    }
                }
            }
            default -> {
                for (int r = from; r < to; r++) {
                    out[r] = dot(r, x, 0, sc, sums);
                }
            }
        }
    }

    /**
     * Several matrix-vector products with the same input in one parallel loop (e.g. Q, K and V, or gate
     * and up): one hand-off to the workers instead of one per matrix, and better balance.
     */
    public static void matvecAll(WorkerPool pool, float[] x, WeightMatrix[] ms, float[][] outs, float[][] scratch) {
        if (java.util.Arrays.stream(ms).allMatch(m -> m.isTiled() && m.cols == ms[0].cols)) {
            tiledMatvecAll(pool, x, ms, outs);
            return;
        }
        if (java.util.Arrays.stream(ms).anyMatch(WeightMatrix::isTiled)) {
            for (int i = 0; i < ms.length; i++) {
                ms[i].matvec(pool, x, outs[i], scratch);
            }
            return;
        }
        int total = 0;
        for (WeightMatrix m : ms) {
            total += m.rows;
        }
        int grain = Math.max(1, 16384 / Math.max(1, ms[0].cols));
        float[] sums = VectorKernels.blockSums(x, ms[0].cols - ms[0].cols % 32);
        pool.forRange(total, grain, (s, e, t) -> {
            float[] sc = scratch[t];
            int base = 0;
            for (int i = 0; i < ms.length && base < e; i++) {
                WeightMatrix m = ms[i];
                int from = Math.max(s, base);
                int to = Math.min(e, base + m.rows);
                if (from < to) {
                    m.dotRows(from - base, to - base, x, outs[i], sc, sums);
                }
                base += m.rows;
            }
        });
    }

    /**
     * {@link #matvecAll} over tiled matrices: x quantized once per run of matrices of one tile format, the work of all
     * of them shared out in tile groups in one parallel loop. The formats may differ (a Q4_K_M file's V is Q6_K beside a Q4_K Q and K):
     * one loop instead of one a matrix, as TinyLlama Q4_K_M's Q, K and V ran at 22 GB/s where its gate and up at 28.
     */
    private static void tiledMatvecAll(WorkerPool pool, float[] x, WeightMatrix[] ms, float[][] outs) {
        QuantTiles.Format[] formats = new QuantTiles.Format[ms.length];
        Q8Activations[] as = new Q8Activations[ms.length];
        for (int i = 0; i < ms.length; i++) {
            formats[i] = ms[i].tileFormat();
            // a format's matrices sit side by side (gate and up; Q and K); quantizing again would give the same values
            as[i] = i > 0 && formats[i] == formats[i - 1] ? as[i - 1] : Q8Activations.quantize(formats[i], x, ms[0].cols);
        }
        forTileGroups(pool, ms, QuantTiles.DECODE_TILES, (i, t0, t1) -> QuantTiles.matvec(formats[i], ms[i].tiles, ms[i].rows, ms[i].cols >> 5,
                as[i], t0, t1, outs[i], t0 * QuantTiles.ROWS));
    }

    /** Tiles {@code [t0, t1)} of matrix {@code i} of a {@link #forTileGroups} loop. */
    @FunctionalInterface
    private interface TileRange {
        void run(int i, int t0, int t1);
    }

    /**
     * Runs {@code body} over all tiles of the tiled matrices {@code ms} (all with the columns of the first) in
     * one parallel loop, one index per {@code group} tiles: the kernels multiply tiles that many at a time.
     */
    private static void forTileGroups(WorkerPool pool, WeightMatrix[] ms, int group, TileRange body) {
        int[] firstGroup = new int[ms.length + 1];
        for (int i = 0; i < ms.length; i++) {
            if (ms[i].cols != ms[0].cols) {
                throw new IllegalArgumentException(ms[i] + " does not have " + ms[0].cols + " columns like " + ms[0]);
            }
            firstGroup[i + 1] = firstGroup[i] + (QuantTiles.tiles(ms[i].rows) + group - 1) / group;
        }
        pool.forRange(firstGroup[ms.length], 1, (s, e, t) -> {
            for (int i = 0; i < ms.length; i++) {
                int from = Math.max(s, firstGroup[i]);
                int to = Math.min(e, firstGroup[i + 1]);
                if (from < to) {
                    body.run(i, group * (from - firstGroup[i]), Math.min(QuantTiles.tiles(ms[i].rows), group * (to - firstGroup[i])));
                }
            }
        });
    }

    /**
     * {@link #matmul} of several matrices with the same input (e.g. Q, K and V): for one token,
     * {@link #matvecAll}; for a batch of tiled matrices, the input is quantized once and all their tiles are
     * shared out in one parallel loop.
     */
    public static void matmulAll(WorkerPool pool, float[] x, int batch, WeightMatrix[] ms, float[][] outs, float[][] scratch) {
        if (batch == 1) {
            matvecAll(pool, x, ms, outs, scratch);
            return;
        }
        int cols = ms[0].cols;
        boolean tiled = java.util.Arrays.stream(ms).allMatch(m -> m.isTiled() && m.cols == cols);
        TiledBatch.RowFormat[] rowFormats = tiled ? null : rowFormats(ms);
        if (!tiled && rowFormats == null) {
            if (ms.length == 1) {
                ms[0].matmulDequantizedRows(pool, x, batch, outs[0], scratch);
            } else {
                for (int i = 0; i < ms.length; i++) { // kinds that do not share a loop: each by its own
                    ms[i].matmul(pool, x, batch, outs[i], scratch);
                }
            }
            return;
        }
        // each matrix's first batchedTokens tokens go through the batched kernels, the rest one token at a time; the
        // matrices that leave some all leave the same ones (none batched, or all after the panels)
        boolean anyBatched = false;
        int batched = batch;
        int leaving = 0;
        WeightMatrix[] left = new WeightMatrix[ms.length];
        float[][] leftOuts = new float[ms.length][];
        for (int i = 0; i < ms.length; i++) {
            int b = TiledBatch.batchedTokens(tiled ? ms[i].tileFormat() : null, batch);
            anyBatched |= b > 0;
            if (b < batch) {
                batched = b;
                left[leaving] = ms[i];
                leftOuts[leaving++] = outs[i];
            }
        }
        if (anyBatched) {
            if (tiled) {
                tiledMatmulAll(pool, x, batch, ms, outs);
            } else {
                rowsMatmulAll(pool, x, batch, ms, rowFormats, outs);
            }
        }
        matvecTokens(pool, x, batched, batch, java.util.Arrays.copyOf(left, leaving), java.util.Arrays.copyOf(leftOuts, leaving), scratch);
    }

    /**
     * Tokens {@code [from, to)} of a batch, each in {@link #matvecAll}: those {@link TiledBatch#batchedTokens} leaves
     * over, which the batched kernels would multiply by a float copy of every tile or row. TinyLlama Q4_K_M (its
     * panels in integers), 5-token prompts took 110-120 ms where 4-token ones took 60, and 2 or 3 tokens 115-165 ms,
     * where decode's products take 16-20 ms a token.
     */
    private static void matvecTokens(WorkerPool pool, float[] x, int from, int to, WeightMatrix[] ms, float[][] outs, float[][] scratch) {
        if (from >= to || ms.length == 0) {
            return;
        }
        int cols = ms[0].cols;
        float[] token = new float[cols];
        float[][] products = new float[ms.length][];
        for (int i = 0; i < ms.length; i++) {
            products[i] = new float[ms[i].rows];
        }
        for (int t = from; t < to; t++) {
            System.arraycopy(x, t * cols, token, 0, cols);
            matvecAll(pool, token, ms, products, scratch);
            for (int i = 0; i < ms.length; i++) {
                System.arraycopy(products[i], 0, outs[i], t * ms[i].rows, ms[i].rows);
            }
        }
    }

    /**
     * How prefill multiplies this untiled matrix through {@link TiledBatch#matmulRows}, or null where it does not: BF16,
     * and F16 without infinite or NaN halves, in shapes {@link TiledBatch#takesRows} accepts on this machine. F32 keeps
     * {@link #matmul}'s own kernels, whose sums equal decode's bit for bit (the prefix cache's logits then equal a cold
     * run's, which the F32 fixtures check); F16 and BF16 prefill agree with decode up to float rounding.
     */
    private TiledBatch.RowFormat rowFormat() {
        if (!TiledBatch.takesRows(rows, cols)) {
            return null;
        }
        return switch (type) {
            case F16 -> halvesFinite() ? TiledBatch.RowFormat.F16 : null;
            case BF16 -> TiledBatch.RowFormat.BF16;
            default -> null;
        };
    }

    /** Each matrix's {@link #rowFormat}, or null unless all of them have one and the columns of the first. */
    private static TiledBatch.RowFormat[] rowFormats(WeightMatrix[] ms) {
        TiledBatch.RowFormat[] formats = new TiledBatch.RowFormat[ms.length];
        for (int i = 0; i < ms.length; i++) {
            formats[i] = ms[i].tiles == null && ms[i].cols == ms[0].cols ? ms[i].rowFormat() : null;
            if (formats[i] == null) {
                return null;
            }
        }
        return formats;
    }

    /** {@link #matmulAll} over untiled F16 and BF16 matrices ({@link #rowFormats}): the rows go through the tiles' float kernels, x exact. */
    private static void rowsMatmulAll(WorkerPool pool, float[] x, int batch, WeightMatrix[] ms, TiledBatch.RowFormat[] formats,
                                      float[][] outs) {
        TiledBatch.Activations xa = TiledBatch.exactActivations(pool, x, ms[0].cols, batch);
        forTileGroups(pool, ms, TiledBatch.GROUP_TILES, (i, t0, t1) -> TiledBatch.matmulRows(formats[i], ms[i].data, ms[i].rows, xa,
                t0, t1, outs[i]));
    }

    /** {@link #matmulAll} over tiled matrices: x rounded to its Q8 values once, the work shared out in tile groups. */
    private static void tiledMatmulAll(WorkerPool pool, float[] x, int batch, WeightMatrix[] ms, float[][] outs) {
        QuantTiles.Format[] formats = new QuantTiles.Format[ms.length];
        int[] rows = new int[ms.length];
        for (int i = 0; i < ms.length; i++) {
            formats[i] = ms[i].tileFormat();
            rows[i] = ms[i].rows;
        }
        TiledBatch.Activations xq = TiledBatch.activations(pool, x, ms[0].cols, batch, formats, rows);
        forTileGroups(pool, ms, TiledBatch.GROUP_TILES, (i, t0, t1) -> TiledBatch.matmul(ms[i].tileFormat(), ms[i].tiles, ms[i].rows, xq,
                t0, t1, outs[i]));
    }

    /** Batched product: for tokens {@code b < batch}, {@code out[b*rows + r] = row_r . x[b*cols ..]} ({@link #matmulAll} of this alone). */
    public void matmul(WorkerPool pool, float[] x, int batch, float[] out, float[][] scratch) {
        if (batch == 1) {
            matvec(pool, x, out, scratch);
        } else {
            matmulAll(pool, x, batch, new WeightMatrix[] {this}, new float[][] {out}, scratch);
        }
    }

    /**
     * {@link #matmul} of an untiled matrix without a {@link #rowFormat} (F32, and the quantized types with exact
     * activations). Weight rows are dequantized four at a time into {@code scratch[thread]} (at least {@code 4*cols}
     * floats) and multiplied with all tokens in 4x4 register blocks, so each weight is read from memory once per batch
     * and each cached value is used four times.
     */
    private void matmulDequantizedRows(WorkerPool pool, float[] x, int batch, float[] out, float[][] scratch) {
        int groups = (rows + 3) / 4;
        int lanes = VectorKernels.lanes();
        int vecCols = cols / lanes * lanes;
        int tokenGroups = batch / 4;
        pool.forRange(groups, 1, (s, e, t) -> {
            float[] w = scratch[t];
            float[] acc = new float[Math.max(1, tokenGroups) * 16 * lanes];
            for (int g = s; g < e; g++) {
                int r0 = g * 4;
                int nr = Math.min(4, rows - r0);
                for (int r = 0; r < nr; r++) {
                    dequantizeRow(r0 + r, w, r * cols);
                }
                int b = 0;
                if (nr == 4 && VectorKernels.blockedKernels() && tokenGroups > 0) {
                    java.util.Arrays.fill(acc, 0f);
                    for (int k0 = 0; k0 < vecCols; k0 += K_CHUNK) {
                        int k1 = Math.min(vecCols, k0 + K_CHUNK);
                        for (int tg = 0; tg < tokenGroups; tg++) {
                            VectorKernels.mma4x4(w, cols, x, tg * 4 * cols, k0, k1, acc, tg * 16 * lanes);
                        }
                    }
                    for (int tg = 0; tg < tokenGroups; tg++) {
                        VectorKernels.finish4x4(acc, tg * 16 * lanes, w, cols, x, tg * 4 * cols, vecCols, out, tg * 4 * rows + r0, rows);
                    }
                    b = tokenGroups * 4;
                }
                for (int r = 0; r < nr; r++) {
                    int bb = b;
                    for (; bb + 4 <= batch; bb += 4) {
                        VectorKernels.dot4(w, r * cols, x, bb * cols, (bb + 1) * cols, (bb + 2) * cols, (bb + 3) * cols, cols,
                                out, bb * rows + r0 + r, rows);
                    }
                    for (; bb < batch; bb++) {
                        out[bb * rows + r0 + r] = VectorKernels.dot(w, r * cols, x, bb * cols, cols);
                    }
                }
            }
        });
    }

    @Override
    public String toString() {
        return name + "[" + rows + "x" + cols + " " + type + (tiles != null ? " tiled" : "") + "]";
    }
}
