package dev.chrysalis.inference.sampling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * llama.cpp's repetition penalty as a {@link LogitsProcessor}: each distinct token among the last
 * {@code lastN} (prompt included) has a positive logit divided by {@code penalty} and a negative one
 * multiplied by it.
 */
public final class RepetitionPenalty implements LogitsProcessor {

    private final float penalty;
    private final int lastN;
    private final Deque<Integer> recent = new ArrayDeque<>();

    public RepetitionPenalty(float penalty, int lastN, int[] history) {
        if (!(penalty > 0)) {
            throw new IllegalArgumentException("penalty must be > 0, was " + penalty);
        }
        this.penalty = penalty;
        this.lastN = lastN;
        for (int t : history) {
            accept(t);
        }
    }

    @Override
    public void process(float[] logits) {
        Set<Integer> seen = new HashSet<>(recent);
        for (int t : seen) {
            if (t >= 0 && t < logits.length) {
                float l = logits[t];
                logits[t] = l > 0 ? l / penalty : l * penalty;
            }
        }
    }

    @Override
    public void accept(int tokenId) {
        if (lastN == 0) {
            return;
        }
        recent.addLast(tokenId);
        while (recent.size() > lastN) {
            recent.removeFirst();
        }
    }
}
