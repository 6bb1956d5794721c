package dev.chrysalis.inference.tokenizer;

import java.util.OptionalInt;

/**
 * Turns text into token ids and back for one model's vocabulary.
 *
 * <p>The contract between the tokenizers and the rest of the engine (model runner, chat templates,
 * constrained decoding). Implementations are built from a GGUF file's {@code tokenizer.ggml.*} metadata.
 */
public interface Tokenizer {

    /** Number of tokens in the vocabulary (rows of the embedding matrix). */
    int vocabSize();

    /**
     * Encodes plain text exactly as llama.cpp's {@code llama_tokenize(text, add_special=false,
     * parse_special=false)} does: no BOS, special-token text is treated as ordinary text.
     */
    int[] encode(String text);

    /**
     * Encodes text in which control tokens written literally (e.g. {@code <|im_start|>}) become their
     * ids, as llama.cpp does with {@code parse_special=true}. Used for chat-template output.
     */
    int[] encodeWithSpecialTokens(String text);

    /** Decodes ids to text; control tokens are rendered as nothing. Invalid UTF-8 becomes U+FFFD. */
    String decode(int[] ids);

    /**
     * The raw bytes a token contributes to the output (byte-fallback and byte-level BPE resolved).
     * Empty for control tokens. Streaming and constrained decoding work on these bytes.
     */
    byte[] tokenBytes(int id);

    /** The token's piece as stored in the vocabulary (for debugging and display). */
    String tokenPiece(int id);

    /** True for control tokens (BOS, EOS, chat markers) that never appear in decoded text. */
    boolean isControl(int id);

    OptionalInt bosId();

    OptionalInt eosId();

    /** End-of-turn token of chat models (e.g. {@code <|eot_id|>}, {@code <|im_end|>}), if any. */
    OptionalInt eotId();

    /** Whether the model expects a BOS token at the start of a prompt ({@code tokenizer.ggml.add_bos_token}). */
    boolean addBosByDefault();
}
