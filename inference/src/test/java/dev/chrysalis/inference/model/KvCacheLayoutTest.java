package dev.chrysalis.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The caches' key blocks and value rows, as attention reads them, hold what was stored: exactly (F32), rounded
 * to halves (F16), or within half a quantization step (Q8_0), for every head and a capacity that ends inside a
 * key block.
 */
class KvCacheLayoutTest {

    private static final int LAYERS = 2;
    private static final int HEAD_DIM = 64;
    private static final int KV_HEADS = 2;
    private static final int KV_DIM = KV_HEADS * HEAD_DIM;

    @Test
    void keyBlocksAndValueRowsHoldTheStoredRows() {
        int capacity = KvCache.KEY_BLOCK + 7;
        Random r = new Random(17);
        float[][][] k = new float[LAYERS][capacity][KV_DIM];
        float[][][] v = new float[LAYERS][capacity][KV_DIM];
        for (KvCacheType type : KvCacheType.values()) {
            KvCache cache = switch (type) {
                case F32 -> new KvCache.F32Cache(LAYERS, capacity, KV_DIM, HEAD_DIM);
                case F16 -> new KvCache.F16Cache(LAYERS, capacity, KV_DIM, HEAD_DIM);
                case Q8_0 -> new KvCache.Q8Cache(LAYERS, capacity, KV_DIM, HEAD_DIM);
            };
            for (int l = 0; l < LAYERS; l++) {
                for (int p = 0; p < capacity; p++) {
                    for (int i = 0; i < KV_DIM; i++) {
                        k[l][p][i] = (float) r.nextGaussian();
                        v[l][p][i] = (float) r.nextGaussian();
                    }
                    cache.store(l, p, k[l][p], 0, v[l][p], 0);
                }
            }
            for (int l = 0; l < LAYERS; l++) {
                for (int h = 0; h < KV_HEADS; h++) {
                    KvCache.FloatRows keys = cache.keys(l, h, capacity, new float[cache.keyFloats(capacity)]);
                    KvCache.FloatRows values = cache.values(l, h, capacity, HEAD_DIM, new float[KvCache.valueFloats(capacity, HEAD_DIM)]);
                    float[] row = new float[HEAD_DIM];
                    for (int p = 0; p < capacity; p++) {
                        cache.widenKey(l, p, h, row);
                        for (int d = 0; d < HEAD_DIM; d++) {
                            String where = type + " layer " + l + " head " + h + " position " + p + " dim " + d;
                            float want = k[l][p][h * HEAD_DIM + d];
                            float inBlock = keys.array()[keys.offset()
                                    + (p / KvCache.KEY_BLOCK) * HEAD_DIM * KvCache.KEY_BLOCK + d * KvCache.KEY_BLOCK + p % KvCache.KEY_BLOCK];
                            assertEquals(want, inBlock, tolerance(type, k[l][p], h, d), "key " + where);
                            assertEquals(row[d], inBlock, "the one-key path reads the same key, " + where);
                            float value = values.array()[values.offset() + p * values.stride() + d];
                            assertEquals(v[l][p][h * HEAD_DIM + d], value, tolerance(type, v[l][p], h, d), "value " + where);
                        }
                        // the one-by-one path (machines without vector lanes) weighs the same value rows
                        float[] weights = new float[p + 1];
                        weights[p] = 1f;
                        float[] weighted = new float[HEAD_DIM];
                        cache.weightedValues(l, h, weights, p + 1, weighted, 0);
                        for (int d = 0; d < HEAD_DIM; d++) {
                            assertEquals(values.array()[values.offset() + p * values.stride() + d], weighted[d],
                                    type + " weighted value layer " + l + " head " + h + " position " + p + " dim " + d);
                        }
                    }
                }
            }
        }
    }

    /** F32 exact; F16 the value's own rounding to a half; Q8_0 about half a step of its 32 values' scale (amax / 127). */
    private static double tolerance(KvCacheType type, float[] row, int head, int d) {
        float x = row[head * HEAD_DIM + d];
        return switch (type) {
            case F32 -> 0;
            case F16 -> Math.abs(x - Float.float16ToFloat(Float.floatToFloat16(x)));
            case Q8_0 -> {
                int from = head * HEAD_DIM + d / 32 * 32;
                double amax = 0;
                for (int i = from; i < from + 32; i++) {
                    amax = Math.max(amax, Math.abs(row[i]));
                }
                yield amax / 127 * 0.6; // half a step, and the scale's own rounding to a half (127 steps of 2^-11)
            }
        };
    }
}
