package dev.chrysalis.inference.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}): the text is split into words by the model's
 * {@link PreTokenizer}, each word's UTF-8 bytes are mapped through {@link ByteLevel}, and adjacent symbols are
 * merged by merge rank (lowest first, ties to the left) using a priority queue over the live pairs.
 */
final class BpeTokenizer extends VocabTokenizer {

    private final PreTokenizer preTokenizer;
    private final Map<String, Integer> ranks;
    private final boolean ignoreMerges;

    BpeTokenizer(Vocabulary vocab, List<String> merges, PreTokenizer preTokenizer, boolean ignoreMerges) {
        super(vocab);
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.ranks = HashMap.newHashMap(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            int sp = m.indexOf(' ', 1);
            if (sp < 0) {
                throw new TokenizerException("tokenizer.ggml.merges[" + i + "]: '" + m + "' is not two pieces separated by a space");
            }
            ranks.putIfAbsent(m, i);
        }
    }

    PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    @Override
    protected byte[] computeTokenBytes(int id) {
        String piece = vocab.pieces[id];
        if (vocab.types[id] == TokenType.USER_DEFINED) {
            return piece.getBytes(StandardCharsets.UTF_8);
        }
        byte[] b = ByteLevel.decode(piece);
        return b != null ? b : piece.getBytes(StandardCharsets.UTF_8);
    }

    private record Pair(int left, int right, int rank, int size) {
    }

    @Override
    protected void encodeRun(String text, boolean afterSpecial, IntList out) {
        for (String word : preTokenizer.split(text)) {
            encodeWord(ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8)), out);
        }
    }

    private void encodeWord(String w, IntList out) {
        if (ignoreMerges) {
            int id = vocab.id(w);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        int n = w.length();
        int[] start = new int[n];
        int[] end = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            end[i] = i + 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Pair> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            addPair(w, start, end, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            int l = p.left;
            int r = p.right;
            if (end[l] == start[l] || end[r] == start[r] || next[l] != r || (end[l] - start[l]) + (end[r] - start[r]) != p.size) {
                continue;
            }
            end[l] = end[r];
            start[r] = end[r];
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                addPair(w, start, end, prev[l], l, queue);
            }
            if (next[l] >= 0) {
                addPair(w, start, end, l, next[l], queue);
            }
        }
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            String piece = w.substring(start[i], end[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                for (int k = 0; k < piece.length(); k++) {
                    int single = vocab.id(piece.substring(k, k + 1));
                    if (single >= 0) {
                        out.add(single);
                    } else if (vocab.unk.isPresent()) {
                        out.add(vocab.unk.getAsInt());
                    }
                }
            }
        }
    }

    private void addPair(String w, int[] start, int[] end, int l, int r, PriorityQueue<Pair> queue) {
        String key = w.substring(start[l], end[l]) + ' ' + w.substring(start[r], end[r]);
        Integer rank = ranks.get(key);
        if (rank != null) {
            queue.add(new Pair(l, r, rank, end[r] - start[l]));
        }
    }
}
