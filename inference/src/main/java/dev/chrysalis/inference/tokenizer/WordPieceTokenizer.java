package dev.chrysalis.inference.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT's WordPiece ({@code tokenizer.ggml.model = bert}) as llama.cpp runs it: NFD, lower case, split on
 * whitespace and around punctuation, drop accents (non-spacing marks), then greedy longest match where a word's first piece carries the U+2581
 * word-start mark (the GGUF stores {@code ##x} continuation pieces as plain {@code x}). Lossy: decoding gives
 * the lower-cased, normalized text.
 */
final class WordPieceTokenizer extends VocabTokenizer {

    private final int maxTokenBytes;

    WordPieceTokenizer(Vocabulary vocab) {
        super(vocab);
        int max = 0;
        for (String p : vocab.pieces) {
            max = Math.max(max, p.getBytes(StandardCharsets.UTF_8).length);
        }
        this.maxTokenBytes = max;
    }

    @Override
    protected boolean dropsLeadingSpace() {
        return true;
    }

    @Override
    protected byte[] computeTokenBytes(int id) {
        return vocab.pieces[id].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void encodeRun(String text, boolean afterSpecial, IntList out) {
        for (String word : words(text)) {
            byte[] w = ("\u2581" + word).getBytes(StandardCharsets.UTF_8);
            int before = out.size();
            int n = w.length;
            for (int i = 0; i < n; i++) {
                boolean match = false;
                for (int j = Math.min(n, i + maxTokenBytes + 1); j > i; j--) {
                    int id = vocab.id(new String(w, i, j - i, StandardCharsets.UTF_8));
                    if (id >= 0 && validUtf8Slice(w, i, j)) {
                        out.add(id);
                        match = true;
                        i = j - 1;
                        break;
                    }
                }
                if (!match) {
                    out.truncate(before);
                    break;
                }
            }
            if (out.size() == before && vocab.unk.isPresent()) {
                out.add(vocab.unk.getAsInt());
            }
        }
    }

    private static boolean validUtf8Slice(byte[] w, int from, int to) {
        return (from == 0 || (w[from] & 0xC0) != 0x80) && (to == w.length || (w[to] & 0xC0) != 0x80);
    }

    private static List<String> words(String text) {
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                flush(cur, words);
                continue;
            }
            int type = Character.getType(cp);
            if (cp == 0 || cp == 0xFFFD || type == Character.CONTROL || type == Character.NON_SPACING_MARK) {
                continue;
            }
            int lower = Character.toLowerCase(cp);
            if (isPunctuation(type) || (cp < 0x7F && isSymbol(type)) || isChinese(cp)) {
                flush(cur, words);
                words.add(Character.toString(lower));
            } else {
                cur.appendCodePoint(lower);
            }
        }
        flush(cur, words);
        return words;
    }

    private static void flush(StringBuilder cur, List<String> words) {
        if (!cur.isEmpty()) {
            words.add(cur.toString());
            cur.setLength(0);
        }
    }

    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    private static boolean isPunctuation(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION || type == Character.START_PUNCTUATION
                || type == Character.END_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL || type == Character.MODIFIER_SYMBOL
                || type == Character.OTHER_SYMBOL;
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
