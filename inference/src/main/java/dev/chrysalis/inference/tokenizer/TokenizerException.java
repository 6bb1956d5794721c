package dev.chrysalis.inference.tokenizer;

/** A vocabulary that cannot be used: missing or inconsistent {@code tokenizer.ggml.*} metadata, unsupported model. */
public final class TokenizerException extends RuntimeException {

    public TokenizerException(String message) {
        super(message);
    }
}
