package dev.chrysalis.inference.gpu;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gpu.cuda.Dim3;

/**
 * The launch shapes of the kernel contract ({@code inference/src/main/cuda/KERNELS.md}), in one place:
 * the kernels index their work from these, so a launch that differs is a wrong result, not a slow one.
 */
final class KernelShapes {

    /** Rows per block of the matrix-vector kernels (one warp per row, 8 warps). */
    static final int MATVEC_ROWS_PER_BLOCK = 8;
    /** Output tile of the tensor-core matrix-matrix kernels: 64 weight rows by 64 tokens. */
    static final int MATMUL_TILE = 64;
    /** Columns per step of the matrix-matrix kernels for the 32-element block types (and F32/F16). */
    static final int MATMUL_K_STEP = 32;
    static final int ELEMENTWISE_BLOCK = 256;
    static final int MAX_HEAD_DIM = 256;

    private KernelShapes() {
    }

    /** A grid and block pair. */
    record Launch(Dim3 grid, Dim3 block) {
    }

    static Launch matvec(int rows) {
        return new Launch(Dim3.of(Dim3.blocks(rows, MATVEC_ROWS_PER_BLOCK)), Dim3.of(256));
    }

    /** The matrices of one {@code matvec3} launch one after another, each from a fresh block (rows2 may be 0). */
    static Launch matvec3(int rows0, int rows1, int rows2) {
        long blocks = (long) Dim3.blocks(rows0, MATVEC_ROWS_PER_BLOCK) + Dim3.blocks(rows1, MATVEC_ROWS_PER_BLOCK)
                + (rows2 == 0 ? 0 : Dim3.blocks(rows2, MATVEC_ROWS_PER_BLOCK));
        return new Launch(Dim3.of(Math.toIntExact(blocks)), Dim3.of(256));
    }

    /** A warp per Q8_0 block of 32 values. */
    static Launch quantizeQ8(int cols) {
        return new Launch(Dim3.of(Dim3.blocks(cols, ELEMENTWISE_BLOCK)), Dim3.of(ELEMENTWISE_BLOCK));
    }

    static Launch matmul(int rows, int n) {
        return new Launch(Dim3.of(Dim3.blocks(rows, MATMUL_TILE), Dim3.blocks(n, MATMUL_TILE)), Dim3.of(128));
    }

    /**
     * Whether the tensor-core kernel takes a {@code type} matrix of {@code cols} columns: the contract needs
     * a multiple of 32 (256 for the K types, which their block size guarantees). Others (stories260K's
     * F32 ffn_down of 172 columns) run as one matrix-vector product per token.
     */
    static boolean matmulSupports(GgmlType type, int cols) {
        int step = Math.max(MATMUL_K_STEP, type.blockSize());
        return cols % step == 0;
    }

    /** One row per block, a float4 of the row per thread (up to 1024 threads; longer rows take several each). */
    static Launch rmsnorm(int rowsOfVectors, int cols) {
        return new Launch(Dim3.of(rowsOfVectors), Dim3.of(warpRounded((cols + 3) / 4, 1024)));
    }

    static Launch rmsnormHeads(int headsTotal, int headDim) {
        return new Launch(Dim3.of(headsTotal), Dim3.of(warpRounded(headDim, 256)));
    }

    /** Query heads, then key/value heads, of n tokens: a thread per dimension of a head. */
    static Launch ropeKvStore(int heads, int kvHeads, int n, int headDim) {
        return new Launch(Dim3.of(heads + kvHeads, n), Dim3.of(warpRounded(headDim, MAX_HEAD_DIM)));
    }

    static Launch elementwise(long total) {
        return new Launch(Dim3.of(Dim3.blocks(total, ELEMENTWISE_BLOCK)), Dim3.of(ELEMENTWISE_BLOCK));
    }

    static Launch attnDecodeSplit(int heads, int splits) {
        return new Launch(Dim3.of(heads, splits), Dim3.of(128));
    }

    static Launch attnDecodeCombine(int heads, int headDim) {
        return new Launch(Dim3.of(heads), Dim3.of(warpRounded(headDim, MAX_HEAD_DIM)));
    }

    static Launch attnPrefill(int heads, int n) {
        return new Launch(Dim3.of(heads, n), Dim3.of(128));
    }

    static Launch embed(int dim, int n) {
        return new Launch(Dim3.of(Dim3.blocks(dim, 256), n), Dim3.of(256));
    }

    /** argmax_f32 and sample_f32: one block of 1024 threads. */
    static Launch sampling() {
        return new Launch(Dim3.of(1), Dim3.of(1024));
    }

    /** {@code n} rounded up to a multiple of 32, at least 32, at most {@code max}. */
    static int warpRounded(int n, int max) {
        if (n < 1) {
            throw new IllegalArgumentException("a block needs at least one thread, asked for " + n);
        }
        return Math.min(max, (n + 31) / 32 * 32);
    }

    /**
     * Most splits a decode graph uses on this GPU for this model: about four blocks per multiprocessor
     * when the cache is full ({@code heads} blocks per split). Sizes the shared partial-result buffer.
     */
    static int maxSplits(int heads, int multiprocessors) {
        if (heads < 1 || multiprocessors < 1) {
            throw new IllegalArgumentException("maxSplits(" + heads + ", " + multiprocessors + ")");
        }
        return Math.max(1, Dim3.blocks(4L * multiprocessors, heads));
    }

    /**
     * Keys per split of the flash-decoding attention for a KV cache of {@code capacity} positions: a
     * multiple of 32, long enough that the splits of a full cache number at most
     * {@link #maxSplits(int, int)}. The split count is fixed when the decode graph is captured; splits past
     * the current position end at once.
     */
    static int splitLength(int capacity, int heads, int multiprocessors) {
        if (capacity < 1) {
            throw new IllegalArgumentException("splitLength for a capacity of " + capacity);
        }
        int len = Dim3.blocks(capacity, maxSplits(heads, multiprocessors));
        return Math.max(32, (len + 31) / 32 * 32);
    }

    static int splits(int capacity, int splitLength) {
        return Dim3.blocks(capacity, splitLength);
    }
}
