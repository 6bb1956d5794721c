package dev.chrysalis.inference.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The token table shared by all tokenizer algorithms: pieces, types, scores, the piece-to-id index and the
 * special ids. Immutable after construction.
 */
final class Vocabulary {

    final String[] pieces;
    final TokenType[] types;
    final float[] scores;
    private final Map<String, Integer> ids;
    final OptionalInt bos;
    final OptionalInt eos;
    final OptionalInt eot;
    final OptionalInt unk;
    final boolean addBos;
    /** Tokens split out of raw text before the algorithm runs, longest first (control, user-defined, unknown). */
    final List<Integer> specialByLength;

    Vocabulary(List<String> pieces, int[] typeCodes, float[] scores, OptionalInt bos, OptionalInt eos, OptionalInt eot,
               OptionalInt unk, boolean addBos) {
        int n = pieces.size();
        if (n == 0) {
            throw new TokenizerException("tokenizer.ggml.tokens: empty vocabulary");
        }
        if (typeCodes.length != 0 && typeCodes.length != n) {
            throw new TokenizerException("tokenizer.ggml.token_type: " + typeCodes.length + " entries for " + n + " tokens");
        }
        if (scores.length != 0 && scores.length != n) {
            throw new TokenizerException("tokenizer.ggml.scores: " + scores.length + " entries for " + n + " tokens");
        }
        this.pieces = pieces.toArray(String[]::new);
        this.types = new TokenType[n];
        this.scores = scores.length == n ? scores.clone() : new float[n];
        this.ids = HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
            types[i] = typeCodes.length == 0 ? TokenType.NORMAL : TokenType.fromCode(typeCodes[i], i);
            ids.put(this.pieces[i], i);
        }
        this.bos = checked("bos", bos, n);
        this.eos = checked("eos", eos, n);
        this.eot = checked("eot", eot, n);
        this.unk = checked("unknown", unk, n);
        this.addBos = addBos;
        List<Integer> special = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if ((types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED || types[i] == TokenType.UNKNOWN)
                    && !this.pieces[i].isEmpty()) {
                special.add(i);
            }
        }
        special.sort(Comparator.comparingInt((Integer i) -> -this.pieces[i].getBytes(StandardCharsets.UTF_8).length)
                .thenComparingInt(i -> i));
        this.specialByLength = List.copyOf(special);
    }

    private static OptionalInt checked(String what, OptionalInt id, int n) {
        if (id.isPresent() && (id.getAsInt() < 0 || id.getAsInt() >= n)) {
            throw new TokenizerException("tokenizer.ggml." + what + "_token_id: " + id.getAsInt() + " is outside the vocabulary of " + n);
        }
        return id;
    }

    int size() {
        return pieces.length;
    }

    /** The id of an exact piece, or -1. */
    int id(String piece) {
        Integer i = ids.get(piece);
        return i == null ? -1 : i;
    }

    boolean isControl(int id) {
        return types[id] == TokenType.CONTROL;
    }
}
