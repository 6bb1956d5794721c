package dev.chrysalis.inference.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What every vocabulary-based tokenizer shares: splitting special-token text out of the input (as llama.cpp's
 * {@code tokenizer_st_partition} does), decoding through {@link #tokenBytes}, and the special ids. Subclasses
 * implement the algorithm for one run of ordinary text.
 */
abstract sealed class VocabTokenizer implements Tokenizer
        permits SentencePieceTokenizer, BpeTokenizer, WordPieceTokenizer {

    protected final Vocabulary vocab;
    /** Every token's bytes, computed on first use (after construction, so subclasses are complete). */
    private volatile byte[][] bytes;

    VocabTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Computes the raw bytes of a token; called once per token. */
    protected abstract byte[] computeTokenBytes(int id);

    /**
     * Tokenizes one run of ordinary text (no special tokens in it) and appends the ids.
     *
     * @param afterSpecial true when the run starts the input or follows a special token
     */
    protected abstract void encodeRun(String text, boolean afterSpecial, IntList out);

    /** Whether decoding drops one leading space that encoding added (SentencePiece's space prefix, WordPiece). */
    protected boolean dropsLeadingSpace() {
        return false;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int[] encode(String text) {
        return encode(text, false);
    }

    @Override
    public int[] encodeWithSpecialTokens(String text) {
        return encode(text, true);
    }

    private int[] encode(String text, boolean parseSpecial) {
        IntList out = new IntList();
        if (text.isEmpty()) {
            return out.toArray();
        }
        boolean afterSpecial = true;
        for (Object fragment : partition(text, parseSpecial)) {
            if (fragment instanceof Integer id) {
                out.add(id);
                afterSpecial = true;
            } else {
                encodeRun((String) fragment, afterSpecial, out);
                afterSpecial = false;
            }
        }
        return out.toArray();
    }

    /** Splits text into raw strings and special token ids (Integer), longest special token first. */
    private List<Object> partition(String text, boolean parseSpecial) {
        List<Object> fragments = new ArrayList<>();
        fragments.add(text);
        for (int id : vocab.specialByLength) {
            TokenType t = vocab.types[id];
            if (!parseSpecial && t != TokenType.USER_DEFINED) {
                continue;
            }
            String piece = vocab.pieces[id];
            List<Object> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Object frag = fragments.get(f);
                if (!(frag instanceof String s) || !s.contains(piece)) {
                    if (next != null) {
                        next.add(frag);
                    }
                    continue;
                }
                if (next == null) {
                    next = new ArrayList<>(fragments.subList(0, f));
                }
                int from = 0;
                int at;
                while ((at = s.indexOf(piece, from)) >= 0) {
                    if (at > from) {
                        next.add(s.substring(from, at));
                    }
                    next.add(id);
                    from = at + piece.length();
                }
                if (from < s.length()) {
                    next.add(s.substring(from));
                }
            }
            if (next != null) {
                fragments = next;
            }
        }
        return fragments;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean first = true;
        byte[][] all = allBytes();
        for (int id : ids) {
            checkId(id);
            byte[] b = all[id];
            if (b.length == 0) {
                continue;
            }
            int off = 0;
            if (first && dropsLeadingSpace() && b[0] == ' ') {
                off = 1;
            }
            first = false;
            buf.write(b, off, b.length - off);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        return allBytes()[id].clone();
    }

    private byte[][] allBytes() {
        byte[][] b = bytes;
        if (b == null) {
            synchronized (this) {
                b = bytes;
                if (b == null) {
                    b = new byte[vocab.size()][];
                    for (int id = 0; id < b.length; id++) {
                        TokenType t = vocab.types[id];
                        b[id] = (t == TokenType.CONTROL || t == TokenType.UNUSED || t == TokenType.UNKNOWN)
                                ? new byte[0] : computeTokenBytes(id);
                    }
                    bytes = b;
                }
            }
        }
        return b;
    }

    @Override
    public String tokenPiece(int id) {
        checkId(id);
        return vocab.pieces[id];
    }

    @Override
    public boolean isControl(int id) {
        checkId(id);
        return vocab.isControl(id);
    }

    /** The id of a piece exactly as stored in the vocabulary, if present. */
    public OptionalInt tokenId(String piece) {
        int id = vocab.id(piece);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public OptionalInt bosId() {
        return vocab.bos;
    }

    @Override
    public OptionalInt eosId() {
        return vocab.eos;
    }

    @Override
    public OptionalInt eotId() {
        return vocab.eot;
    }

    @Override
    public boolean addBosByDefault() {
        return vocab.addBos;
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary of " + vocab.size());
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        void truncate(int size) {
            n = size;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
