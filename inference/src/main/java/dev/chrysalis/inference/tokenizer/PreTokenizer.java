package dev.chrysalis.inference.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, one variant per {@code tokenizer.ggml.pre}. Each variant is a
 * sequence of patterns applied as llama.cpp's {@code unicode_regex_split} does: every pattern splits each
 * piece produced so far into its matches and the gaps between them, so no text is ever dropped.
 *
 * <p>Whitespace ({@code \s}) follows Python's {@code str.isspace} as llama.cpp's tables do (Java's {@code \s}
 * is ASCII-only); letters and numbers are the Unicode categories L and N.
 */
final class PreTokenizer {

    /** Python isspace(): the characters llama.cpp flags as whitespace. */
    private static final String WS = "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final String S = "[" + WS + "]";
    private static final String NOT_S = "[^" + WS + "]";
    private static final String CONTRACTIONS_CI = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + WS + "\\p{L}\\p{N}]+|" + S + "+(?!" + NOT_S + ")|" + S + "+";

    private final String name;
    private final List<Pattern> patterns;

    private PreTokenizer(String name, String... regexes) {
        this.name = name;
        List<Pattern> p = new ArrayList<>();
        for (String r : regexes) {
            p.add(Pattern.compile(r));
        }
        this.patterns = List.copyOf(p);
    }

    /** The variant for a {@code tokenizer.ggml.pre} value (absent: llama.cpp's default). */
    static PreTokenizer forName(String pre) {
        return switch (pre) {
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe" -> new PreTokenizer(pre,
                    CONTRACTIONS_CI + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^" + WS + "\\p{L}\\p{N}]+[\\r\\n]*|"
                            + S + "*[\\r\\n]+|" + S + "+(?!" + NOT_S + ")|" + S + "+");
            case "qwen2", "qwen3", "deepseek-r1-qwen", "stablelm2", "hunyuan", "megrez" -> new PreTokenizer(pre,
                    CONTRACTIONS_CI + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^" + WS + "\\p{L}\\p{N}]+[\\r\\n]*|"
                            + S + "*[\\r\\n]+|" + S + "+(?!" + NOT_S + ")|" + S + "+");
            case "gpt-2", "gpt2", "mpt", "olmo", "jais", "phi-2" -> new PreTokenizer(pre, GPT2);
            // digits one by one, then GPT-2 (SmolLM, StarCoder, Command-R, ...): not covered by a shipped vocab file
            case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b" -> new PreTokenizer(pre, "\\p{N}", GPT2);
            case "deepseek-coder" -> new PreTokenizer(pre,
                    "[\\r\\n]",
                    S + "?\\p{L}+",
                    S + "?\\p{P}+",
                    "[\\u4E00-\\u9FA5\\u0800-\\u4E00\\uAC00-\\uD7FF]+",
                    "\\p{N}");
            case "deepseek-llm" -> new PreTokenizer(pre,
                    "[\\r\\n]",
                    S + "?\\p{L}+",
                    S + "?[!-/:-~\\uFF01-\\uFF0F\\uFF1A-\\uFF5E\\u2018-\\u201F\\u3000-\\u3002]+",
                    S + "+$",
                    "[\\u4E00-\\u9FA5\\u0800-\\u4E00\\uAC00-\\uD7FF]+",
                    "\\p{N}+");
            case "default", "gpt-neox", "" -> new PreTokenizer("default",
                    "[\\p{P}\\$\\+<=>\\^~\\|]+",
                    GPT2,
                    "\\p{N}+",
                    "[0-9][0-9][0-9]");
            default -> throw new TokenizerException("tokenizer.ggml.pre: '" + pre + "' is not a supported BPE pre-tokenizer");
        };
    }

    String name() {
        return name;
    }

    /** The words of {@code text}, in order; their concatenation is {@code text}. */
    List<String> split(String text) {
        List<int[]> pieces = new ArrayList<>();
        pieces.add(new int[] {0, text.length()});
        for (Pattern p : patterns) {
            List<int[]> next = new ArrayList<>(pieces.size() * 2);
            Matcher m = p.matcher(text);
            for (int[] piece : pieces) {
                int start = piece[0];
                int end = piece[1];
                m.region(start, end);
                int last = start;
                while (m.find()) {
                    if (m.end() == m.start()) {
                        continue;
                    }
                    if (m.start() > last) {
                        next.add(new int[] {last, m.start()});
                    }
                    next.add(new int[] {m.start(), m.end()});
                    last = m.end();
                }
                if (last < end) {
                    next.add(new int[] {last, end});
                }
            }
            pieces = next;
        }
        List<String> words = new ArrayList<>(pieces.size());
        for (int[] piece : pieces) {
            words.add(text.substring(piece[0], piece[1]));
        }
        return words;
    }
}
