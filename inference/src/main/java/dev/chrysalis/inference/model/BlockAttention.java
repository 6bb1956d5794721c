package dev.chrysalis.inference.model;

import dev.chrysalis.inference.kernels.AttentionKernels;
import dev.chrysalis.inference.kernels.WorkerPool;

/**
 * Causal attention of a batch of tokens in blocks. A task takes one KV head and a block of consecutive
 * tokens: it reads that head's keys and values as floats (in place, or widened once from F16 or Q8_0),
 * then runs every query
 * of the block that reads them (the KV head's query heads, for each token), four at a time, through
 * {@link AttentionKernels}. The earlier loop, query by query, read each key and value row once per query
 * head with a horizontal sum per key: about 12 times slower per multiply-add than the weight products, so
 * attention dominated long prompts.
 *
 * <p>A query's result does not depend on the block it runs in (padding adds exact zeros), so decode (a
 * batch of one) and prefill give a token the same bits.
 *
 * <p>Not thread-safe: one forward pass at a time, as its {@link Transformer}.
 */
final class BlockAttention {

    /** Queries a task runs: its widening of the keys and values is shared by this many. */
    private static final int QUERIES_PER_TASK = 256;

    private final ModelConfig c;
    /** Per pool thread: widened keys and value rows (caches that do not hold floats), four rows of scores, four output rows. */
    private final float[][] keys;
    private final float[][] values;
    private final float[][] scores;
    private final float[][] out;

    BlockAttention(ModelConfig config, int threads) {
        this.c = config;
        keys = new float[threads][0];
        values = new float[threads][0];
        scores = new float[threads][0];
        out = new float[threads][0];
    }

    /** Whether this machine has the vector lanes the kernels need. */
    static boolean available() {
        return AttentionKernels.available();
    }

    /**
     * Attention of tokens {@code [0, n)} at positions {@code start..start+n-1} of {@code layer}, whose keys and
     * values are in {@code cache} already: {@code att[t * qDim + h * headDim ..]} for query head h of token t,
     * from the queries {@code q} (same layout).
     */
    void run(WorkerPool pool, KvCache cache, int layer, float[] q, int start, int n, float[] att) {
        int kvHeads = c.kvHeads();
        int group = c.heads() / kvHeads;
        int hd = c.headDim();
        int lanes = AttentionKernels.lanes();
        int dims = roundUp(hd, lanes);
        int tokensPerTask = Math.max(1, QUERIES_PER_TASK / group);
        int blocks = (n + tokensPerTask - 1) / tokensPerTask;
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.forRange(blocks * kvHeads, 1, (s, e, thread) -> {
            for (int task = s; task < e; task++) {
                // the last blocks see the most keys: handed out first, so the threads finish together
                int t0 = (blocks - 1 - task / kvHeads) * tokensPerTask;
                int kvh = task % kvHeads;
                int t1 = Math.min(n, t0 + tokensPerTask);
                block(cache, layer, kvh, q, start, t0, t1, att, thread, dims, scale);
            }
        });
    }

    private void block(KvCache cache, int layer, int kvh, float[] q, int start, int t0, int t1, float[] att, int thread,
                       int dims, float scale) {
        int group = c.heads() / c.kvHeads();
        int hd = c.headDim();
        int qDim = c.qDim();
        int lanes = AttentionKernels.lanes();
        int keyCount = start + t1;
        float[] s = grow(scores, thread, 4 * (keyCount + KvCache.KEY_BLOCK));
        float[] o = grow(out, thread, 4 * dims);
        // padding (keys past keyCount, value columns past hd) only ever meets probability 0: finite is enough,
        // and the arrays start zeroed and hold only finite keys and values after
        KvCache.FloatRows k = cache.keys(layer, kvh, keyCount, grow(keys, thread, cache.keyFloats(keyCount)));
        KvCache.FloatRows v = cache.values(layer, kvh, keyCount, dims, grow(values, thread, KvCache.valueFloats(keyCount, dims)));
        int stride = s.length / 4;
        int queries = (t1 - t0) * group;
        int[] qo = new int[4];
        int[] valid = new int[4];
        for (int i = 0; i < queries; i += 4) {
            // queries run token by token, the KV head's query heads within; past the last, the last again
            for (int r = 0; r < 4; r++) {
                int qi = Math.min(i + r, queries - 1);
                int t = t0 + qi / group;
                qo[r] = t * qDim + (kvh * group + qi % group) * hd;
                valid[r] = start + t + 1;
            }
            int seen = roundUp(valid[3], lanes);
            AttentionKernels.scores4(q, qo[0], qo[1], qo[2], qo[3], hd, k.array(), k.offset(), seen, s, 0, stride, 2 * stride, 3 * stride);
            for (int r = 0; r < 4; r++) {
                AttentionKernels.softmax(s, r * stride, valid[r], seen, scale);
            }
            AttentionKernels.weighted4(s, 0, stride, 2 * stride, 3 * stride, seen, v.array(), v.offset(), v.stride(), dims, o, 0, dims,
                    2 * dims, 3 * dims);
            for (int r = 0; r < 4 && i + r < queries; r++) {
                System.arraycopy(o, r * dims, att, qo[r], hd);
            }
        }
    }

    private static float[] grow(float[][] buffers, int thread, int size) {
        if (buffers[thread].length < size) {
            // room for some more keys, so a growing prompt does not reallocate every block
            buffers[thread] = new float[(int) Math.min(Integer.MAX_VALUE - 8L, size + size / 4L)];
        }
        return buffers[thread];
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
