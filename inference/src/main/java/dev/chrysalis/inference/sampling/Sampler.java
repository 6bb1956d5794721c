package dev.chrysalis.inference.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Chooses tokens from logits: the processors adjust the logits in order, then greedy or
 * temperature / top-k / top-p / min-p sampling picks a token with the injected random generator, and
 * every processor is told which token was chosen. The same seed gives the same tokens.
 */
public final class Sampler {

    private final SamplingOptions options;
    private final RandomGenerator random;

    public Sampler(SamplingOptions options, RandomGenerator random) {
        this.options = options;
        this.random = random;
    }

    public SamplingOptions options() {
        return options;
    }

    /**
     * Applies {@code processors} to {@code logits} (in place), picks a token, and calls
     * {@link LogitsProcessor#accept} on each processor.
     *
     * @throws IllegalStateException if the processors masked out every token
     */
    public int next(float[] logits, List<? extends LogitsProcessor> processors) {
        for (LogitsProcessor p : processors) {
            p.process(logits);
        }
        int token = pick(logits);
        for (LogitsProcessor p : processors) {
            p.accept(token);
        }
        return token;
    }

    /** Picks a token from already-processed logits. */
    public int pick(float[] logits) {
        int best = -1;
        float bestL = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l > bestL) {
                bestL = l;
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no token is allowed: every logit is -infinity or NaN");
        }
        if (options.isGreedy()) {
            return best;
        }
        int[] cand = candidates(logits);
        int n = cand.length;
        double[] p = new double[n];
        double inv = 1.0 / options.temperature();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[cand[i]] - bestL) * inv);
            sum += p[i];
        }
        // cand is sorted by descending logit
        int keep = n;
        if (options.topP() < 1f) {
            double cum = 0;
            for (int i = 0; i < n; i++) {
                cum += p[i] / sum;
                if (cum >= options.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (options.minP() > 0f) {
            double threshold = options.minP() * p[0];
            int k = 1;
            while (k < keep && p[k] >= threshold) {
                k++;
            }
            keep = k;
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += p[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r < 0) {
                return cand[i];
            }
        }
        return cand[keep - 1];
    }

    /**
     * Finite-logit token ids sorted by descending logit (equal logits: the lower id first), cut to top-k when set. Top-k
     * keeps a min-heap of ids whose root is the weakest kept; a token displaces it only with a greater logit, so of equal
     * logits the earlier stays. Most tokens of a large vocabulary fail the one comparison against the root's logit.
     */
    private int[] candidates(float[] logits) {
        int k = options.topK();
        if (k > 0 && k < logits.length) {
            int[] heap = new int[k];
            int size = 0;
            float floor = Float.NEGATIVE_INFINITY; // the root's logit once the heap is full
            for (int i = 0; i < logits.length; i++) {
                float l = logits[i];
                if (l == Float.NEGATIVE_INFINITY || Float.isNaN(l)) {
                    continue;
                }
                if (size < k) {
                    heap[size] = i;
                    siftUp(heap, size++, logits);
                    if (size == k) {
                        floor = logits[heap[0]];
                    }
                } else if (l > floor) {
                    heap[0] = i;
                    siftDown(heap, size, logits);
                    floor = logits[heap[0]];
                }
            }
            int[] out = new int[size];
            for (int i = size - 1; i >= 0; i--) {
                out[i] = heap[0];
                heap[0] = heap[--size];
                siftDown(heap, size, logits);
            }
            return out;
        }
        long[] keyed = new long[logits.length];
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l == Float.NEGATIVE_INFINITY || Float.isNaN(l)) {
                continue;
            }
            // order-preserving int of the float, negated for descending order, in the high 32 bits
            int bits = Float.floatToIntBits(l);
            int ordered = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
            keyed[n++] = ((long) -(long) ordered << 32) | i;
        }
        long[] sorted = Arrays.copyOf(keyed, n);
        Arrays.sort(sorted);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) (sorted[i] & 0xFFFFFFFFL);
        }
        return out;
    }

    /** Whether id {@code a} ranks below id {@code b}: a lower logit, or an equal one (-0 equals +0) and a higher id. */
    private static boolean below(int a, int b, float[] logits) {
        return logits[a] != logits[b] ? logits[a] < logits[b] : a > b;
    }

    private static void siftUp(int[] heap, int at, float[] logits) {
        int id = heap[at];
        while (at > 0) {
            int parent = (at - 1) >> 1;
            if (!below(id, heap[parent], logits)) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = id;
    }

    private static void siftDown(int[] heap, int size, float[] logits) {
        if (size == 0) {
            return;
        }
        int id = heap[0];
        int at = 0;
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && below(heap[child + 1], heap[child], logits)) {
                child++;
            }
            if (!below(heap[child], id, logits)) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = id;
    }
}
