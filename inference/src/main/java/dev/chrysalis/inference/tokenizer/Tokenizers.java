package dev.chrysalis.inference.tokenizer;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufMetadata;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds the right {@link Tokenizer} for a model from its {@code tokenizer.ggml.*} metadata. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /** The tokenizer of a GGUF file (model or vocabulary-only file). */
    public static Tokenizer fromGguf(GgufFile file) {
        try {
            return fromMetadata(file.metadata());
        } catch (TokenizerException e) {
            throw new TokenizerException(file.path().getFileName() + ": " + e.getMessage());
        }
    }

    /**
     * The tokenizer described by GGUF metadata: {@code tokenizer.ggml.model} picks the algorithm (llama:
     * SentencePiece, gpt2: byte-level BPE with the pre-tokenizer named by {@code tokenizer.ggml.pre}, bert:
     * WordPiece).
     *
     * @throws TokenizerException if the metadata is missing, inconsistent or names an unsupported model
     */
    public static Tokenizer fromMetadata(GgufMetadata md) {
        String model = md.getString("tokenizer.ggml.model")
                .orElseThrow(() -> new TokenizerException("metadata 'tokenizer.ggml.model': missing"));
        List<String> tokens = md.getStringArray("tokenizer.ggml.tokens");
        if (tokens.isEmpty()) {
            throw new TokenizerException("metadata 'tokenizer.ggml.tokens': missing or empty");
        }
        int[] types = md.getIntArray("tokenizer.ggml.token_type");
        float[] scores = md.getFloatArray("tokenizer.ggml.scores");
        String pre = md.getString("tokenizer.ggml.pre").orElse("default");
        boolean addBos = md.getBool("tokenizer.ggml.add_bos_token").orElse(!model.equals("gpt2") || pre.startsWith("llama"));
        OptionalInt bos = id(md, "tokenizer.ggml.bos_token_id");
        OptionalInt eos = id(md, "tokenizer.ggml.eos_token_id");
        OptionalInt unk = id(md, "tokenizer.ggml.unknown_token_id");
        OptionalInt eot = id(md, "tokenizer.ggml.eot_token_id");
        if (eot.isEmpty()) {
            eot = findEot(tokens);
        }
        return switch (model) {
            case "llama" -> {
                if (unk.isEmpty() && tokens.contains("<unk>")) {
                    unk = OptionalInt.of(tokens.indexOf("<unk>"));
                }
                Vocabulary v = new Vocabulary(tokens, types, scores, bos, eos, eot, unk, addBos);
                yield new SentencePieceTokenizer(v, md.getBool("tokenizer.ggml.add_space_prefix").orElse(true));
            }
            case "gpt2" -> {
                List<String> merges = md.getStringArray("tokenizer.ggml.merges");
                if (merges.isEmpty()) {
                    throw new TokenizerException("metadata 'tokenizer.ggml.merges': missing for a BPE vocabulary");
                }
                PreTokenizer p = PreTokenizer.forName(pre);
                boolean ignoreMerges = List.of("llama3", "llama-v3", "llama-bpe", "falcon3").contains(p.name());
                yield new BpeTokenizer(new Vocabulary(tokens, types, scores, bos, eos, eot, unk, addBos), merges, p, ignoreMerges);
            }
            case "bert" -> {
                OptionalInt cls = id(md, "tokenizer.ggml.cls_token_id");
                OptionalInt sep = id(md, "tokenizer.ggml.seperator_token_id");
                Vocabulary v = new Vocabulary(tokens, types, scores, bos.isPresent() ? bos : cls, eos.isPresent() ? eos : sep,
                        eot, unk, md.getBool("tokenizer.ggml.add_bos_token").orElse(true));
                yield new WordPieceTokenizer(v);
            }
            default -> throw new TokenizerException("metadata 'tokenizer.ggml.model': '" + model
                    + "' is not supported (llama, gpt2 and bert are)");
        };
    }

    private static OptionalInt id(GgufMetadata md, String key) {
        OptionalLong v = md.getLong(key);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.getAsLong() < 0 || v.getAsLong() > Integer.MAX_VALUE) {
            throw new TokenizerException("metadata '" + key + "': " + v.getAsLong() + " is not a token id");
        }
        return OptionalInt.of((int) v.getAsLong());
    }

    /** End-of-turn markers of the chat formats we know, when the file does not name one. */
    private static OptionalInt findEot(List<String> tokens) {
        for (String marker : List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>")) {
            int i = tokens.indexOf(marker);
            if (i >= 0) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }
}
