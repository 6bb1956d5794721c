package dev.chrysalis.inference.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, -1.0f, 0.5f, 2.9f};

    private static int[] histogram(SamplingOptions o, long seed, int draws) {
        Sampler s = new Sampler(o, new SplittableRandom(seed));
        int[] h = new int[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            h[s.pick(LOGITS.clone())]++;
        }
        return h;
    }

    @Test
    void greedyPicksTheLargestLogit() {
        assertEquals(1, new Sampler(SamplingOptions.greedy(), new SplittableRandom(1)).pick(LOGITS.clone()));
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        SamplingOptions o = new SamplingOptions(1f, 0, 1f, 0f, 1f, 64);
        int n = 60_000;
        int[] h = histogram(o, 42, n);
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            double p = Math.exp(LOGITS[i]) / z;
            double sd = Math.sqrt(n * p * (1 - p));
            assertEquals(n * p, h[i], 5 * sd + 1, "token " + i);
        }
    }

    @Test
    void topKTopPAndMinPRestrictTheCandidates() {
        int[] k2 = histogram(new SamplingOptions(1f, 2, 1f, 0f, 1f, 64), 1, 5000);
        assertEquals(5000, k2[1] + k2[5], "top-k 2 keeps tokens 1 and 5 only");
        assertTrue(k2[1] > 0 && k2[5] > 0);
        // probabilities (T=1): token1 .337, token5 .305, token2 .204 ... top-p 0.6 keeps 1 and 5
        int[] p = histogram(new SamplingOptions(1f, 0, 0.6f, 0f, 1f, 64), 2, 5000);
        assertEquals(5000, p[1] + p[5]);
        // min-p 0.5: keep tokens with p >= 0.5 * p(token1): tokens 1, 5, 2 (0.61 of max)
        int[] m = histogram(new SamplingOptions(1f, 0, 1f, 0.5f, 1f, 64), 3, 5000);
        assertEquals(5000, m[1] + m[5] + m[2]);
        assertTrue(m[2] > 0);
        int[] one = histogram(new SamplingOptions(2f, 1, 1f, 0f, 1f, 64), 4, 100);
        assertEquals(100, one[1], "top-k 1 is greedy");
    }

    @Test
    void topKKeepsTheEarliestOfEqualLogitsAndSkipsMaskedTokens() {
        // ids 2, 4, 6 and 9 tie for the top; top-k 3 keeps the first three of them, whatever comes after
        float[] logits = new float[4096];
        java.util.Arrays.fill(logits, -2f);
        for (int id : new int[] {2, 4, 6, 9}) {
            logits[id] = 1.5f;
        }
        logits[100] = Float.NaN;
        logits[101] = Float.NEGATIVE_INFINITY;
        Sampler s = new Sampler(new SamplingOptions(1f, 3, 1f, 0f, 1f, 64), new SplittableRandom(5));
        int[] seen = new int[logits.length];
        for (int i = 0; i < 3000; i++) {
            seen[s.pick(logits.clone())]++;
        }
        assertEquals(3000, seen[2] + seen[4] + seen[6], "only the three earliest of the tied top tokens");
        assertTrue(seen[2] > 0 && seen[4] > 0 && seen[6] > 0);
        // -0 and +0 are equal logits: the earlier id ranks first, as for any other tie (top-p 0.01 keeps the first)
        float[] zeros = {-5f, -5f, -5f, -0.0f, -5f, -5f, -5f, 0.0f};
        assertEquals(3, new Sampler(new SamplingOptions(1f, 2, 0.01f, 0f, 1f, 64), new SplittableRandom(7)).pick(zeros));
        // fewer finite tokens than k: those are the candidates
        float[] masked = {Float.NEGATIVE_INFINITY, 0.3f, Float.NaN, Float.NEGATIVE_INFINITY, 0.1f};
        Sampler wide = new Sampler(new SamplingOptions(1f, 4, 1f, 0f, 1f, 64), new SplittableRandom(6));
        for (int i = 0; i < 200; i++) {
            int t = wide.pick(masked.clone());
            assertTrue(t == 1 || t == 4, "picked " + t);
        }
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        SamplingOptions o = SamplingOptions.defaults().withTemperature(1.3f);
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        Sampler sa = new Sampler(o, new SplittableRandom(9));
        Sampler sb = new Sampler(o, new SplittableRandom(9));
        for (int i = 0; i < 50; i++) {
            a.add(sa.pick(LOGITS.clone()));
            b.add(sb.pick(LOGITS.clone()));
        }
        assertEquals(a, b);
    }

    @Test
    void processorsRunInOrderBeforeSamplingAndLearnTheChosenToken() {
        List<String> calls = new ArrayList<>();
        LogitsProcessor ban1 = new LogitsProcessor() {
            @Override
            public void process(float[] logits) {
                calls.add("ban1");
                logits[1] = Float.NEGATIVE_INFINITY;
            }

            @Override
            public void accept(int tokenId) {
                calls.add("ban1 accepted " + tokenId);
            }
        };
        LogitsProcessor observe = new LogitsProcessor() {
            @Override
            public void process(float[] logits) {
                calls.add("observe sees token1=" + logits[1]);
            }

            @Override
            public void accept(int tokenId) {
                calls.add("observe accepted " + tokenId);
            }
        };
        int t = new Sampler(SamplingOptions.greedy(), new SplittableRandom(1)).next(LOGITS.clone(), List.of(ban1, observe));
        assertEquals(5, t);
        assertEquals(List.of("ban1", "observe sees token1=-Infinity", "ban1 accepted 5", "observe accepted 5"), calls);
        float[] none = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThrows(IllegalStateException.class, () -> new Sampler(SamplingOptions.greedy(), new SplittableRandom(1)).pick(none));
    }

    @Test
    void repetitionPenaltyPushesRecentTokensDown() {
        RepetitionPenalty p = new RepetitionPenalty(2f, 2, new int[] {1, 3});
        float[] l = LOGITS.clone();
        p.process(l);
        assertEquals(1.5f, l[1]);
        assertEquals(-2f, l[3]);
        assertEquals(2.9f, l[5]);
        p.accept(5); // window of 2: now {3, 5}
        float[] l2 = LOGITS.clone();
        p.process(l2);
        assertEquals(3.0f, l2[1]);
        assertEquals(1.45f, l2[5]);
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1f, -1, 1f, 0f, 1f, 64));
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1f, 0, 0f, 0f, 1f, 64));
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1f, 0, 1f, 1f, 1f, 64));
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1f, 0, 1f, 0f, 0f, 64));
    }
}
