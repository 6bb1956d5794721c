package dev.chrysalis.inference.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE as llama.cpp runs it ({@code tokenizer.ggml.model = llama}): spaces become U+2581, an
 * optional space is prefixed, UTF-8 characters are merged pairwise by the highest vocabulary score (ties to
 * the left), and characters that never form a token fall back to {@code <0xXX>} byte tokens.
 */
final class SentencePieceTokenizer extends VocabTokenizer {

    private static final char SPACE_MARK = '\u2581';

    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        super(vocab);
        this.addSpacePrefix = addSpacePrefix;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
        }
    }

    @Override
    protected boolean dropsLeadingSpace() {
        return addSpacePrefix;
    }

    @Override
    protected byte[] computeTokenBytes(int id) {
        String piece = vocab.pieces[id];
        if (vocab.types[id] == TokenType.BYTE) {
            if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            }
            throw new TokenizerException("token " + id + " '" + piece + "' is typed BYTE but is not <0xXX>");
        }
        if (vocab.types[id] == TokenType.USER_DEFINED) {
            return piece.getBytes(StandardCharsets.UTF_8);
        }
        return piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    /** One symbol of the linked list being merged: a span of the escaped text. */
    private static final class Sym {
        int start;
        int end;
        int prev;
        int next;
    }

    private record Bigram(int left, int right, float score, int size) {
    }

    @Override
    protected void encodeRun(String raw, boolean afterSpecial, IntList out) {
        String text = ((addSpacePrefix && afterSpecial) ? " " + raw : raw).replace(' ', SPACE_MARK);
        int n = text.length();
        Sym[] syms = new Sym[n];
        int count = 0;
        for (int i = 0; i < n; ) {
            int len = Character.charCount(text.codePointAt(i));
            Sym s = new Sym();
            s.start = i;
            s.end = Math.min(n, i + len);
            s.prev = count - 1;
            s.next = count + 1;
            syms[count++] = s;
            i += len;
        }
        if (count == 0) {
            return;
        }
        syms[count - 1].next = -1;
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < count; i++) {
            tryAddBigram(text, syms, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            Sym left = syms[bg.left];
            Sym right = syms[bg.right];
            if (left.end == left.start || right.end == right.start
                    || (left.end - left.start) + (right.end - right.start) != bg.size || left.next != bg.right) {
                continue;
            }
            left.end = right.end;
            right.start = right.end;
            left.next = right.next;
            if (right.next >= 0) {
                syms[right.next].prev = bg.left;
            }
            if (left.prev >= 0) {
                tryAddBigram(text, syms, left.prev, bg.left, queue);
            }
            if (left.next >= 0) {
                tryAddBigram(text, syms, bg.left, left.next, queue);
            }
        }
        for (int i = 0; i >= 0; i = syms[i].next) {
            Sym s = syms[i];
            String piece = text.substring(s.start, s.end);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    int bt = byteTokens[b & 0xFF];
                    if (bt >= 0) {
                        out.add(bt);
                    } else if (vocab.unk.isPresent()) {
                        out.add(vocab.unk.getAsInt());
                    }
                }
            }
        }
    }

    private void tryAddBigram(String text, Sym[] syms, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        int start = syms[left].start;
        int end = syms[right].end;
        int id = vocab.id(text.substring(start, end));
        if (id < 0) {
            return;
        }
        queue.add(new Bigram(left, right, vocab.scores[id], end - start));
    }
}
