package dev.chrysalis.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.kernels.WorkerPool;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Attention in blocks against a float64 causal softmax attention over the keys and values the cache holds, with query
 * groups of eight (two sets of four queries per KV head and token), contexts of several key chunks and prompts long
 * enough for several rounds of queries in a task (which widen an F16 or Q8_0 head's cache whole, where one round widens
 * it chunk by chunk); and a token's decode (a batch of one) against its row of the prompt's, bit for bit.
 */
class BlockAttentionTest {

    private static final int HEADS = 16;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 64;

    @Test
    void blocksMatchAFloat64AttentionAndDecodeMatchesPrefillBitForBit() {
        assumeTrue(BlockAttention.available(), "the block kernels need vector lanes");
        for (KvCacheType type : KvCacheType.values()) {
            check(type);
        }
    }

    private static void check(KvCacheType type) {
        ModelConfig c = new ModelConfig(Architecture.LLAMA, HEADS * HEAD_DIM, 1, HEADS, KV_HEADS, HEAD_DIM, 4 * HEADS * HEAD_DIM,
                100, 1024, 1e-5f, 10000f, HEAD_DIM, 1f, false);
        int start = 1200;
        int n = 80;
        // the first block of tokens (32: eight query heads each) needs more than one round of queries
        int firstBlockSets = 32 * (HEADS / KV_HEADS) / 4;
        assertTrue(BlockAttention.ROUND_SCORES / (4 * (start + 32 + KvCache.KEY_BLOCK)) < firstBlockSets, "several rounds");
        int positions = start + n;
        Random r = new Random(23);
        float[][] k = new float[positions][KV_HEADS * HEAD_DIM];
        float[][] v = new float[positions][KV_HEADS * HEAD_DIM];
        int capacity = positions + 5;
        KvCache cache = switch (type) {
            case F32 -> new KvCache.F32Cache(1, capacity, KV_HEADS * HEAD_DIM, HEAD_DIM);
            case F16 -> new KvCache.F16Cache(1, capacity, KV_HEADS * HEAD_DIM, HEAD_DIM);
            case Q8_0 -> new KvCache.Q8Cache(1, capacity, KV_HEADS * HEAD_DIM, HEAD_DIM);
        };
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < KV_HEADS * HEAD_DIM; i++) {
                k[p][i] = (float) r.nextGaussian();
                v[p][i] = (float) r.nextGaussian();
            }
            cache.store(0, p, k[p], 0, v[p], 0);
        }
        // what the cache holds (rounded to halves, or to Q8_0), the reference's keys and values
        float[] row = new float[HEAD_DIM];
        for (int p = 0; p < positions; p++) {
            for (int h = 0; h < KV_HEADS; h++) {
                cache.widenKey(0, p, h, row);
                System.arraycopy(row, 0, k[p], h * HEAD_DIM, HEAD_DIM);
                cache.widenValue(0, p, h, row);
                System.arraycopy(row, 0, v[p], h * HEAD_DIM, HEAD_DIM);
            }
        }
        int qDim = HEADS * HEAD_DIM;
        float[] q = new float[n * qDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (2 * r.nextGaussian());
        }
        float[] att = new float[n * qDim];
        try (WorkerPool pool = new WorkerPool(2)) {
            BlockAttention attention = new BlockAttention(c, pool.threads());
            attention.run(pool, cache, 0, q, start, n, att);
            double scale = 1 / Math.sqrt(HEAD_DIM);
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < HEADS; h++) {
                    double[] want = reference(q, t * qDim + h * HEAD_DIM, k, v, h / (HEADS / KV_HEADS), start + t + 1, scale);
                    for (int d = 0; d < HEAD_DIM; d++) {
                        assertEquals(want[d], att[t * qDim + h * HEAD_DIM + d], 1e-5 * (1 + Math.abs(want[d])),
                                type + " token " + t + " head " + h + " dim " + d);
                    }
                }
            }
            // decode: one token against the same cache, as the step after a prompt ending just before it
            for (int t : new int[] {0, 37, n - 1}) {
                float[] one = new float[qDim];
                attention.run(pool, cache, 0, Arrays.copyOfRange(q, t * qDim, (t + 1) * qDim), start + t, 1, one);
                assertArrayEquals(Arrays.copyOfRange(att, t * qDim, (t + 1) * qDim), one, type + " token " + t + " decoded alone");
            }
        }
    }

    private static double[] reference(float[] q, int qo, float[][] k, float[][] v, int kvHead, int keys, double scale) {
        double[] s = new double[keys];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < keys; j++) {
            for (int d = 0; d < HEAD_DIM; d++) {
                s[j] += (double) q[qo + d] * k[j][kvHead * HEAD_DIM + d];
            }
            s[j] *= scale;
            max = Math.max(max, s[j]);
        }
        double total = 0;
        for (int j = 0; j < keys; j++) {
            s[j] = Math.exp(s[j] - max);
            total += s[j];
        }
        double[] out = new double[HEAD_DIM];
        for (int j = 0; j < keys; j++) {
            for (int d = 0; d < HEAD_DIM; d++) {
                out[d] += s[j] / total * v[j][kvHead * HEAD_DIM + d];
            }
        }
        return out;
    }
}
