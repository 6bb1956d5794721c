package dev.chrysalis.inference.constrain;

import dev.chrysalis.inference.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * Every token's output bytes in one byte trie, laid out in depth-first order so a walk is a scan over flat
 * arrays: node {@code i} has {@code depth[i]}, the byte on its incoming edge, the tokens ending there, and
 * {@code subtreeEnd[i]} (the first node after its subtree) to skip a subtree whose prefix is already invalid.
 * Build once per tokenizer and share between constraints; immutable.
 */
public final class TokenTrie {

    private final int vocabSize;
    private final byte[][] tokenBytes;
    private final int[] endTokens;
    final int nodes;
    final byte[] edge;
    final int[] depth;
    final int[] subtreeEnd;
    final int[] tokenStart;
    final int[] tokens;
    final int maxDepth;
    /** True if every edge in node i's subtree (its own included) is printable ASCII other than quote and backslash. */
    final boolean[] plainSubtree;
    /** The depth of the deepest node in node i's subtree. */
    final int[] subtreeDepth;

    private TokenTrie(Tokenizer tokenizer) {
        vocabSize = tokenizer.vocabSize();
        tokenBytes = new byte[vocabSize][];
        Integer[] order = new Integer[vocabSize];
        int n = 0;
        for (int id = 0; id < vocabSize; id++) {
            tokenBytes[id] = tokenizer.tokenBytes(id);
            if (tokenBytes[id].length > 0) {
                order[n++] = id;
            }
        }
        Integer[] ids = Arrays.copyOf(order, n);
        Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(tokenBytes[a], tokenBytes[b]));
        long total = 1;
        for (Integer id : ids) {
            total += tokenBytes[id].length;
        }
        int cap = (int) Math.min(total, Integer.MAX_VALUE - 8);
        byte[] e = new byte[cap];
        int[] d = new int[cap];
        int[] parent = new int[cap];
        int[] tokenNode = new int[n];
        int[] path = new int[1024];
        int count = 1;
        byte[] prev = new byte[0];
        int deepest = 0;
        for (int k = 0; k < n; k++) {
            byte[] b = tokenBytes[ids[k]];
            int mismatch = Arrays.mismatch(prev, b);
            int lcp = mismatch < 0 ? b.length : mismatch;
            if (b.length >= path.length) {
                path = Arrays.copyOf(path, b.length * 2);
            }
            for (int j = lcp; j < b.length; j++) {
                e[count] = b[j];
                d[count] = j + 1;
                parent[count] = j == 0 ? 0 : path[j];
                path[j + 1] = count++;
            }
            tokenNode[k] = path[b.length];
            deepest = Math.max(deepest, b.length);
            prev = b;
        }
        nodes = count;
        edge = Arrays.copyOf(e, count);
        depth = Arrays.copyOf(d, count);
        maxDepth = deepest;
        subtreeEnd = new int[count];
        int[] stack = new int[deepest + 2];
        int sp = 0;
        for (int i = 0; i < count; i++) {
            while (sp > 0 && depth[stack[sp - 1]] >= depth[i]) {
                subtreeEnd[stack[--sp]] = i;
            }
            stack[sp++] = i;
        }
        while (sp > 0) {
            subtreeEnd[stack[--sp]] = count;
        }
        plainSubtree = new boolean[count];
        subtreeDepth = new int[count];
        int nextNonPlain = count;
        for (int i = count - 1; i >= 1; i--) {
            int b = edge[i] & 0xFF;
            if (b < 0x20 || b >= 0x7F || b == '"' || b == '\\') {
                nextNonPlain = i;
            }
            plainSubtree[i] = nextNonPlain >= subtreeEnd[i];
            subtreeDepth[i] = Math.max(subtreeDepth[i], depth[i]);
            subtreeDepth[parent[i]] = Math.max(subtreeDepth[parent[i]], subtreeDepth[i]);
        }
        tokenStart = new int[count + 1];
        for (int k = 0; k < n; k++) {
            tokenStart[tokenNode[k] + 1]++;
        }
        for (int i = 0; i < count; i++) {
            tokenStart[i + 1] += tokenStart[i];
        }
        tokens = new int[n];
        int[] fill = Arrays.copyOf(tokenStart, count);
        for (int k = 0; k < n; k++) {
            tokens[fill[tokenNode[k]]++] = ids[k];
        }
        int[] ends = new int[2];
        int m = 0;
        if (tokenizer.eosId().isPresent()) {
            ends[m++] = tokenizer.eosId().getAsInt();
        }
        if (tokenizer.eotId().isPresent() && (m == 0 || ends[0] != tokenizer.eotId().getAsInt())) {
            ends[m++] = tokenizer.eotId().getAsInt();
        }
        endTokens = Arrays.copyOf(ends, m);
    }

    /** Builds the trie of a tokenizer's vocabulary (about a second for 128k tokens; reuse it). */
    public static TokenTrie of(Tokenizer tokenizer) {
        return new TokenTrie(tokenizer);
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Number of trie nodes (root included). */
    public int nodeCount() {
        return nodes;
    }

    byte[] bytes(int token) {
        return tokenBytes[token];
    }

    /** End-of-sequence and end-of-turn ids: allowed only when the document is complete. */
    int[] endTokens() {
        return endTokens.clone();
    }

    boolean isEnd(int token) {
        for (int t : endTokens) {
            if (t == token) {
                return true;
            }
        }
        return false;
    }
}
