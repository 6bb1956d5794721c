package dev.chrysalis.evolution.mutate.llm;

import dev.chrysalis.inference.sampling.LogitsProcessor;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import java.util.BitSet;

/**
 * Makes a constrained JSON answer close within its token budget. Runs after the schema constraint (which
 * emits canonical JSON: no whitespace, properties in schema order); once the tokens left reach the reserve,
 * it keeps only the allowed tokens that end what is open: inside a string, tokens with a quote; outside, tokens
 * with {@code ]} or {@code }} when there are any. The reserve covers the longest path from any point of the
 * edit document to its end, so the answer always closes.
 */
final class ClosingBudget implements LogitsProcessor {
    private final Tokenizer tokenizer;
    private final BitSet quotes;
    private final BitSet closers;
    private final int closeFrom;
    private int generated;
    private boolean inString;
    private boolean escaped;

    /**
     * @param quotes    tokens whose bytes contain {@code "}
     * @param closers   tokens whose bytes contain {@code ]} or {@code }}
     * @param maxTokens the generation's budget
     * @param reserve   tokens kept for closing
     */
    ClosingBudget(Tokenizer tokenizer, BitSet quotes, BitSet closers, int maxTokens, int reserve) {
        this.tokenizer = tokenizer;
        this.quotes = quotes;
        this.closers = closers;
        this.closeFrom = Math.max(0, maxTokens - reserve);
    }

    /** The tokens of a vocabulary that contain one of {@code chars}. */
    static BitSet containing(Tokenizer tokenizer, String chars) {
        BitSet out = new BitSet(tokenizer.vocabSize());
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            for (byte b : tokenizer.tokenBytes(id)) {
                if (b >= 0 && chars.indexOf(b) >= 0) {
                    out.set(id);
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public void process(float[] logits) {
        if (generated < closeFrom) {
            return;
        }
        BitSet prefer = inString && !escaped ? quotes : inString ? null : closers;
        if (prefer == null) {
            return;
        }
        boolean any = false;
        for (int t = prefer.nextSetBit(0); t >= 0 && t < logits.length; t = prefer.nextSetBit(t + 1)) {
            if (logits[t] != Float.NEGATIVE_INFINITY) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        for (int t = 0; t < logits.length; t++) {
            if (!prefer.get(t)) {
                logits[t] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    @Override
    public void accept(int tokenId) {
        generated++;
        for (byte b : tokenizer.tokenBytes(tokenId)) {
            if (escaped) {
                escaped = false;
            } else if (inString && b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = !inString;
            }
        }
    }
}
