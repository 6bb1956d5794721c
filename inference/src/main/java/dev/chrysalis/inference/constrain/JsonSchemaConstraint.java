package dev.chrysalis.inference.constrain;

import dev.chrysalis.inference.constrain.Grammar.Stack;
import dev.chrysalis.inference.sampling.LogitsProcessor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Constrained decoding: before each sampling step, every token whose bytes cannot extend the text so far
 * towards a document of the schema gets {@code -inf}; end-of-sequence/turn tokens are allowed only once the
 * document can end. The vocabulary trie is walked together with the matcher state, so a shared prefix is
 * checked once and a subtree whose prefix fails is skipped whole.
 *
 * <p>One instance follows one generation (it is stateful and not thread-safe).
 */
public final class JsonSchemaConstraint implements LogitsProcessor {

    private final TokenTrie trie;
    private List<Stack> states;
    private boolean ended;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final BitSet allowed;
    /** Masks of recently seen matcher states (states are values: the same position gives the same mask). */
    private final Map<List<Stack>, BitSet> maskCache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Stack>, BitSet> eldest) {
            return size() > 32;
        }
    };
    private final List<Stack>[] walk;
    private final boolean[] inString;
    private final long[] stringPos;
    private final Grammar.StringNode[] stringNode;
    private final Stack[] stringRest;

    @SuppressWarnings("unchecked")
    public JsonSchemaConstraint(JsonSchema schema, TokenTrie trie) {
        this.trie = trie;
        this.states = schema.matcher().states();
        this.allowed = new BitSet(trie.vocabSize());
        this.walk = new List[trie.maxDepth + 1];
        this.inString = new boolean[trie.maxDepth + 1];
        this.stringPos = new long[trie.maxDepth + 1];
        this.stringNode = new Grammar.StringNode[trie.maxDepth + 1];
        this.stringRest = new Stack[trie.maxDepth + 1];
    }

    /**
     * Consumes text that is already part of the output without being sampled (e.g. a tool-call envelope
     * {@code {"skill":"calc","arguments":} placed in the prompt).
     *
     * @throws ConstraintViolationException if the text cannot start a document of the schema
     */
    public JsonSchemaConstraint force(String forced) {
        List<Stack> s = states;
        byte[] bytes = forced.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            s = JsonMatcher.step(s, bytes[i] & 0xFF);
            if (s.isEmpty()) {
                throw new ConstraintViolationException("forced text '" + forced + "': byte " + i + " ('"
                        + new String(bytes, 0, i + 1, StandardCharsets.UTF_8) + "') cannot continue '" + text() + "'");
            }
        }
        states = s;
        text.writeBytes(bytes);
        return this;
    }

    @Override
    public void process(float[] logits) {
        BitSet ok = mask();
        for (int t = ok.nextClearBit(0); t < logits.length; t = ok.nextClearBit(t + 1)) {
            logits[t] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * The tokens allowed next, computed by one walk over the trie. Where the matcher is inside a string (one
     * state whose top frame is a string body) the walk runs the string automaton on packed positions without
     * allocating, and returns to the general matcher at the closing quote.
     */
    public BitSet allowedTokens() {
        return (BitSet) mask().clone();
    }

    /** The mask of the current state (shared: callers must not modify it). */
    private BitSet mask() {
        if (ended) {
            return new BitSet();
        }
        BitSet cached = maskCache.get(states);
        if (cached == null) {
            cached = walkTrie();
            maskCache.put(states, cached);
        }
        return cached;
    }

    /** One full trie walk from the current state, bypassing the cache (also used to time the walk). */
    BitSet walkTrie() {
        allowed.clear();
        setDepth(0, states);
        int i = 1;
        int n = trie.nodes;
        byte[] edge = trie.edge;
        int[] depth = trie.depth;
        int[] end = trie.subtreeEnd;
        int[] tokenStart = trie.tokenStart;
        int[] tokens = trie.tokens;
        while (i < n) {
            int d = depth[i];
            int b = edge[i] & 0xFF;
            if (inString[d - 1]) {
                Grammar.StringNode node = stringNode[d - 1];
                long p = Grammar.Str.next(stringPos[d - 1], b, node.minLength(), node.maxLength());
                if (p == Grammar.Str.DEAD) {
                    i = end[i];
                    continue;
                }
                if (trie.plainSubtree[i] && (stringPos[d - 1] & 0xF) == Grammar.Str.BODY
                        && (long) (stringPos[d - 1] >>> 24) + trie.subtreeDepth[i] - d + 1 <= node.maxLength()) {
                    // printable ASCII all the way down and room for the longest token: the whole subtree fits
                    for (int k = tokenStart[i]; k < tokenStart[end[i]]; k++) {
                        allowed.set(tokens[k]);
                    }
                    i = end[i];
                    continue;
                }
                if (p == Grammar.Str.CLOSED) {
                    setDepth(d, List.of(stringRest[d - 1]));
                } else {
                    inString[d] = true;
                    stringPos[d] = p;
                    stringNode[d] = node;
                    stringRest[d] = stringRest[d - 1];
                }
            } else {
                List<Stack> next = JsonMatcher.step(walk[d - 1], b);
                if (next.isEmpty()) {
                    i = end[i];
                    continue;
                }
                setDepth(d, next);
            }
            for (int k = tokenStart[i]; k < tokenStart[i + 1]; k++) {
                allowed.set(tokens[k]);
            }
            i++;
        }
        if (canEnd()) {
            for (int t : trie.endTokens()) {
                allowed.set(t);
            }
        }
        return (BitSet) allowed.clone();
    }

    private void setDepth(int d, List<Stack> s) {
        if (s.size() == 1 && s.getFirst().head() instanceof Grammar.Str str && str.phase() != Grammar.Str.OPEN) {
            inString[d] = true;
            stringPos[d] = str.packed();
            stringNode[d] = str.node();
            stringRest[d] = s.getFirst().tail();
        } else {
            inString[d] = false;
            walk[d] = s;
        }
    }

    /**
     * The text that must come next whatever is sampled (e.g. {@code {"skill":"} when every alternative starts so):
     * the longest run of single possible bytes, cut at a whole UTF-8 character. A caller may {@link #force} it and
     * put its tokens in the prompt instead of sampling them one by one. Empty when there is a choice now.
     */
    public String forcedContinuation() {
        if (ended) {
            return "";
        }
        ByteArrayOutputStream forced = new ByteArrayOutputStream();
        List<Stack> s = states;
        for (int n = 0; n < 1024 && !new JsonMatcher(s).canEnd(); n++) {
            int only = -1;
            List<Stack> after = null;
            for (int b = 0; b < 256; b++) {
                List<Stack> next = JsonMatcher.step(s, b);
                if (!next.isEmpty()) {
                    if (only >= 0) {
                        only = -2;
                        break;
                    }
                    only = b;
                    after = next;
                }
            }
            if (only < 0) {
                break;
            }
            forced.write(only);
            s = after;
        }
        byte[] bytes = forced.toByteArray();
        return new String(bytes, 0, completeUtf8(bytes), StandardCharsets.UTF_8);
    }

    /** The length of the longest prefix of {@code b} that ends on a whole UTF-8 character. */
    private static int completeUtf8(byte[] b) {
        int i = b.length;
        int back = 0;
        while (i > 0 && (b[i - 1] & 0xC0) == 0x80 && back < 3) {
            i--;
            back++;
        }
        if (i == 0) {
            return 0;
        }
        int lead = b[i - 1] & 0xFF;
        int len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        return (back + 1 == len) ? b.length : i - 1;
    }

    @Override
    public void accept(int tokenId) {
        if (ended) {
            throw new ConstraintViolationException("token " + tokenId + " after the end of the document '" + text() + "'");
        }
        if (trie.isEnd(tokenId)) {
            if (!canEnd()) {
                throw new ConstraintViolationException("end token " + tokenId + " but '" + text() + "' is not a complete document");
            }
            ended = true;
            return;
        }
        if (tokenId < 0 || tokenId >= trie.vocabSize()) {
            throw new ConstraintViolationException("token " + tokenId + " is outside the vocabulary of " + trie.vocabSize());
        }
        byte[] bytes = trie.bytes(tokenId);
        if (bytes.length == 0) {
            throw new ConstraintViolationException("token " + tokenId + " has no text and cannot be part of '" + text() + "'");
        }
        List<Stack> s = states;
        for (byte b : bytes) {
            s = JsonMatcher.step(s, b & 0xFF);
            if (s.isEmpty()) {
                throw new ConstraintViolationException("token " + tokenId + " ('" + new String(bytes, StandardCharsets.UTF_8)
                        + "') cannot continue '" + text() + "'");
            }
        }
        states = s;
        text.writeBytes(bytes);
    }

    /** True once the document is closed (nothing but an end token may follow) or an end token was accepted. */
    @Override
    public boolean isComplete() {
        return ended || new JsonMatcher(states).isComplete();
    }

    /** True if the text so far is a whole document (it may still be extendable, e.g. a top-level number). */
    public boolean canEnd() {
        return new JsonMatcher(states).canEnd();
    }

    /** The document text accepted so far (forced text included). */
    public String text() {
        return text.toString(StandardCharsets.UTF_8);
    }
}
