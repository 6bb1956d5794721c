package dev.chrysalis.inference.gpu;

import dev.chrysalis.inference.gpu.cuda.CudaContext;
import dev.chrysalis.inference.gpu.cuda.DeviceBuffer;
import dev.chrysalis.inference.model.ModelConfig;

/**
 * The forward pass's working buffers on the device, in one allocation, shared by every sequence (the
 * engine runs one forward pass at a time). Batched buffers have room for the largest batch rounded up to
 * the 64-token tile of the matrix-matrix kernels.
 *
 * <p>{@link #io} holds what the host writes before a step and reads after one: the position (int at 0),
 * the sampler's uniform number (float at 4), the picked token (int at 8), and the batch's token ids
 * (ints from {@link #IDS_OFFSET}).
 */
final class Activations implements AutoCloseable {

    static final int POS_OFFSET = 0;
    static final int UNIFORM_OFFSET = 4;
    static final int PICKED_OFFSET = 8;
    static final int IDS_OFFSET = 16;

    final DeviceBuffer x;
    final DeviceBuffer xb;
    final DeviceBuffer q;
    final DeviceBuffer k;
    final DeviceBuffer v;
    final DeviceBuffer att;
    final DeviceBuffer hb;
    final DeviceBuffer hb2;
    final DeviceBuffer logits;
    final DeviceBuffer partial;
    /** One token's x quantized to Q8_0 for the integer matrix-vector kernels: int8 values, f16-rounded scales, sums. */
    final DeviceBuffer xq;
    final DeviceBuffer xd;
    final DeviceBuffer xs;
    final DeviceBuffer io;
    final DeviceBuffer pos;
    final DeviceBuffer uniform;
    final DeviceBuffer picked;
    final DeviceBuffer ids;
    private final DeviceBuffer all;

    Activations(CudaContext ctx, ModelConfig c, int maxBatch, int maxSplits) {
        long[] sizes = sizes(c, maxBatch, maxSplits);
        DevicePacking p = new DevicePacking();
        long[] off = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            off[i] = p.add(sizes[i]);
        }
        all = ctx.alloc(p.size());
        x = all.slice(off[0], sizes[0]);
        xb = all.slice(off[1], sizes[1]);
        q = all.slice(off[2], sizes[2]);
        k = all.slice(off[3], sizes[3]);
        v = all.slice(off[4], sizes[4]);
        att = all.slice(off[5], sizes[5]);
        hb = all.slice(off[6], sizes[6]);
        hb2 = all.slice(off[7], sizes[7]);
        logits = all.slice(off[8], sizes[8]);
        partial = all.slice(off[9], sizes[9]);
        xq = all.slice(off[10], sizes[10]);
        xd = all.slice(off[11], sizes[11]);
        xs = all.slice(off[12], sizes[12]);
        io = all.slice(off[13], sizes[13]);
        pos = io.slice(POS_OFFSET, 4);
        uniform = io.slice(UNIFORM_OFFSET, 4);
        picked = io.slice(PICKED_OFFSET, 4);
        ids = io.slice(IDS_OFFSET, 4L * maxBatch);
    }

    /** Rows the batched buffers hold: the largest batch rounded up to the matrix-matrix tile. */
    static int paddedRows(int maxBatch) {
        return (maxBatch + KernelShapes.MATMUL_TILE - 1) / KernelShapes.MATMUL_TILE * KernelShapes.MATMUL_TILE;
    }

    /** Bytes of each buffer, in field order (x, xb, q, k, v, att, hb, hb2, logits, partial, xq, xd, xs, io). */
    static long[] sizes(ModelConfig c, int maxBatch, int maxSplits) {
        long rows = paddedRows(maxBatch);
        long f = 4;
        long widest = Math.max(Math.max(c.dim(), c.qDim()), c.ffDim());
        return new long[] {
            rows * c.dim() * f,
            rows * Math.max(c.dim(), c.qDim()) * f,
            rows * c.qDim() * f,
            rows * c.kvDim() * f,
            rows * c.kvDim() * f,
            rows * c.qDim() * f,
            rows * c.ffDim() * f,
            rows * c.ffDim() * f,
            rows * c.vocabSize() * f,
            (long) c.heads() * maxSplits * (c.headDim() + 2) * f,
            widest,
            (widest + 31) / 32 * f,
            (widest + 31) / 32 * f,
            IDS_OFFSET + 4L * maxBatch
        };
    }

    /** Device bytes of the activations of a pass with these limits. */
    static long bytes(ModelConfig c, int maxBatch, int maxSplits) {
        DevicePacking p = new DevicePacking();
        for (long s : sizes(c, maxBatch, maxSplits)) {
            p.add(s);
        }
        return p.size();
    }

    @Override
    public void close() {
        all.close();
    }
}
