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
 * <p>The queries go in rounds of as many sets of four as {@link #ROUND_SCORES} has rows for, and a round takes the
 * keys, then the values, a chunk at a time, every set over a chunk while it is in L1: each chunk comes from memory
 * once per round instead of once per four queries (a decode step of a model with eight query heads per KV head read
 * its cache twice). The softmax's division waits for the weighted sum: a head's dimensions divided, not every key's
 * probability. TinyLlama's shapes, F32 cache, two threads, per layer: a decode step at 2,000 keys 190-215 -> 140-160
 * us, a 128-token prompt chunk after 1,872 tokens 12.0-13.4 -> 9.4-10.6 ms.
 *
 * <p>A query's result does not depend on the block it runs in (padding adds exact zeros), so decode (a
 * batch of one) and prefill give a token the same bits.
 *
 * <p>Not thread-safe: one forward pass at a time, as its {@link Transformer}.
 */
final class BlockAttention {

    /** Queries a task runs: its widening of the keys and values is shared by this many. */
    private static final int QUERIES_PER_TASK = 256;
    /**
     * Scores a round of queries keeps (floats, per thread: 1 MiB): as many sets of four queries as fit go over each
     * chunk of keys and values in turn, so the chunk comes from memory (or L2) once for all of them, not once per four
     * queries. Rows of a long context leave room for few sets, and a chunk from memory then costs more than their
     * products: a 128-token prompt chunk, per layer, after 8,000 tokens 40.3-44.6 -> 39.4-41.2 ms with 256 KiB -> 1 MiB
     * of rows, after 1,872 tokens 9.4-10.3 -> 8.8-9.3 ms.
     */
    static final int ROUND_SCORES = 256 * 1024;
    /** Key floats in a chunk (32 KiB: L1, beside the scores rows being written). */
    private static final int CHUNK_FLOATS = 8 * 1024;

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
        int stride = keyCount + KvCache.KEY_BLOCK;
        int queries = (t1 - t0) * group;
        int sets = (queries + 3) / 4;
        int round = Math.max(1, Math.min(sets, ROUND_SCORES / (4 * stride)));
        float[] s = grow(scores, thread, 4 * round * stride);
        float[] o = grow(out, thread, 4 * round * dims);
        int chunk = Math.max(1, CHUNK_FLOATS / (hd * KvCache.KEY_BLOCK)) * KvCache.KEY_BLOCK;
        // padding (keys past keyCount, value columns past hd) only ever meets probability 0: finite is enough,
        // and the arrays start zeroed and hold only finite keys and values after. One round (decode, short prompts):
        // a cache that does not hold floats widens each chunk as it is needed, into L1; several: the head's whole
        // cache once, which every round then reads (the F32 cache is read in place either way)
        boolean oneRound = round >= sets;
        KvCache.FloatRows k = oneRound ? null : cache.keys(layer, kvh, 0, keyCount, grow(keys, thread, cache.keyFloats(keyCount)));
        KvCache.FloatRows v = oneRound ? null : cache.values(layer, kvh, 0, keyCount, dims, grow(values, thread, cache.valueFloats(keyCount, dims)));
        float[] keyChunk = oneRound ? grow(keys, thread, cache.keyFloats(chunk)) : null;
        float[] valueChunk = oneRound ? grow(values, thread, cache.valueFloats(chunk, dims)) : null;
        int[] qo = new int[4 * round];
        int[] valid = new int[4 * round];
        int[] seen = new int[round];
        float[] totals = new float[4 * round];
        for (int i = 0; i < queries; i += 4 * round) {
            // queries run token by token, the KV head's query heads within; past the last, the last again
            int here = Math.min(round, (queries - i + 3) / 4);
            for (int r = 0; r < 4 * here; r++) {
                int qi = Math.min(i + r, queries - 1);
                int t = t0 + qi / group;
                qo[r] = t * qDim + (kvh * group + qi % group) * hd;
                valid[r] = start + t + 1;
            }
            int most = 0;
            for (int set = 0; set < here; set++) {
                seen[set] = roundUp(valid[4 * set + 3], lanes);
                most = Math.max(most, seen[set]);
            }
            // a chunk of keys at a time, every set of four queries in the round over it while it is in L1
            for (int at = 0; at < most; at += chunk) {
                KvCache.FloatRows kc = oneRound ? cache.keys(layer, kvh, at, Math.min(at + chunk, keyCount), keyChunk)
                        : k.from(at, hd);
                for (int set = 0; set < here; set++) {
                    if (at < seen[set]) {
                        int r = 4 * set;
                        AttentionKernels.scores4(q, qo[r], qo[r + 1], qo[r + 2], qo[r + 3], hd, kc.array(), kc.offset(),
                                Math.min(chunk, seen[set] - at),
                                s, r * stride + at, (r + 1) * stride + at, (r + 2) * stride + at, (r + 3) * stride + at);
                    }
                }
            }
            for (int r = 0; r < 4 * here; r++) {
                totals[r] = AttentionKernels.exponentials(s, r * stride, valid[r], seen[r / 4], scale);
            }
            java.util.Arrays.fill(o, 0, 4 * here * dims, 0f);
            for (int at = 0; at < most; at += chunk) {
                KvCache.FloatRows vc = oneRound ? cache.values(layer, kvh, at, Math.min(at + chunk, keyCount), dims, valueChunk)
                        : v.from(at, v.stride());
                for (int set = 0; set < here; set++) {
                    if (at < seen[set]) {
                        int r = 4 * set;
                        AttentionKernels.addWeighted4(s, r * stride + at, (r + 1) * stride + at, (r + 2) * stride + at, (r + 3) * stride + at,
                                Math.min(chunk, seen[set] - at), vc.array(), vc.offset(), vc.stride(), dims,
                                o, r * dims, (r + 1) * dims, (r + 2) * dims, (r + 3) * dims);
                    }
                }
            }
            // the softmax's division, once per output instead of once per key
            for (int r = 0; r < 4 * here && i + r < queries; r++) {
                float inv = 1f / totals[r];
                for (int d = 0; d < hd; d++) {
                    att[qo[r] + d] = o[r * dims + d] * inv;
                }
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
