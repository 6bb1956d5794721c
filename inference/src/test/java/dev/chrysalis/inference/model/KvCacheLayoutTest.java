package dev.chrysalis.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                    KvCache.FloatRows keys = cache.keys(l, h, 0, capacity, new float[cache.keyFloats(capacity)]);
                    KvCache.FloatRows values = cache.values(l, h, 0, capacity, HEAD_DIM, new float[cache.valueFloats(capacity, HEAD_DIM)]);
                    // a run from the second block: its first block and row are the cache's second block and position KEY_BLOCK
                    int from = KvCache.KEY_BLOCK;
                    KvCache.FloatRows laterKeys = cache.keys(l, h, from, capacity, new float[cache.keyFloats(capacity - from)]);
                    KvCache.FloatRows laterValues = cache.values(l, h, from, capacity, HEAD_DIM, new float[cache.valueFloats(capacity - from, HEAD_DIM)]);
                    for (int p = from; p < capacity; p++) {
                        for (int d = 0; d < HEAD_DIM; d++) {
                            String where = type + " layer " + l + " head " + h + " position " + p + " dim " + d + ", run from " + from;
                            assertEquals(keys.array()[keys.offset() + (p / KvCache.KEY_BLOCK) * HEAD_DIM * KvCache.KEY_BLOCK
                                            + d * KvCache.KEY_BLOCK + p % KvCache.KEY_BLOCK],
                                    laterKeys.array()[laterKeys.offset() + ((p - from) / KvCache.KEY_BLOCK) * HEAD_DIM * KvCache.KEY_BLOCK
                                            + d * KvCache.KEY_BLOCK + p % KvCache.KEY_BLOCK], "key " + where);
                            assertEquals(values.array()[values.offset() + p * values.stride() + d],
                                    laterValues.array()[laterValues.offset() + (p - from) * laterValues.stride() + d], "value " + where);
                        }
                    }
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

    /**
     * F16: while every stored half is finite the keys and values widen by the short conversion, which must give
     * {@link Float#float16ToFloat}'s bits (subnormal halves included); once a value beyond the half range (an infinity)
     * or a NaN is stored, the exact conversion takes over and the infinity and the NaN come back as such.
     */
    @Test
    void halvesWidenExactlyBeforeAndAfterANonFiniteValue() {
        int capacity = KvCache.KEY_BLOCK;
        KvCache.F16Cache cache = new KvCache.F16Cache(1, capacity, KV_DIM, HEAD_DIM);
        Random r = new Random(29);
        float[][] k = new float[capacity][KV_DIM];
        float[][] v = new float[capacity][KV_DIM];
        for (int stage = 0; stage < 2; stage++) {
            for (int p = 0; p < capacity; p++) {
                for (int i = 0; i < KV_DIM; i++) {
                    // normal halves, subnormal ones (below 6.1e-5) and zeros of both signs
                    k[p][i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 1e-6 : 4));
                    v[p][i] = i % 17 == 0 ? -0f : (float) (r.nextGaussian() * (i % 5 == 0 ? 1e-7 : 100));
                }
                if (stage == 1 && p == 3) {
                    k[p][5] = 1e6f; // an infinity as a half
                    v[p][7] = Float.NaN;
                }
                cache.store(0, p, k[p], 0, v[p], 0);
            }
            for (int h = 0; h < KV_HEADS; h++) {
                KvCache.FloatRows keys = cache.keys(0, h, 0, capacity, new float[cache.keyFloats(capacity)]);
                KvCache.FloatRows values = cache.values(0, h, 0, capacity, HEAD_DIM, new float[cache.valueFloats(capacity, HEAD_DIM)]);
                for (int p = 0; p < capacity; p++) {
                    for (int d = 0; d < HEAD_DIM; d++) {
                        String where = "stage " + stage + " head " + h + " position " + p + " dim " + d;
                        float key = keys.array()[keys.offset() + d * KvCache.KEY_BLOCK + p];
                        float value = values.array()[values.offset() + p * values.stride() + d];
                        assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(k[p][h * HEAD_DIM + d]))),
                                Float.floatToRawIntBits(key), "key " + where);
                        assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(v[p][h * HEAD_DIM + d]))),
                                Float.floatToRawIntBits(value), "value " + where);
                    }
                }
            }
        }
        float[] row = new float[HEAD_DIM];
        cache.widenKey(0, 3, 0, row);
        assertEquals(Float.POSITIVE_INFINITY, row[5]);
        cache.widenValue(0, 3, 0, row);
        assertTrue(Float.isNaN(row[7]));
    }
}
