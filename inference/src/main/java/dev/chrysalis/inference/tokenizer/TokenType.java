package dev.chrysalis.inference.tokenizer;

/** The kind of a vocabulary entry, as stored in {@code tokenizer.ggml.token_type}. */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    /** Maps the GGUF code (0..6); anything else is reported as a format problem. */
    static TokenType fromCode(int code, int tokenId) {
        if (code < 0 || code >= values().length) {
            throw new TokenizerException("tokenizer.ggml.token_type[" + tokenId + "]: " + code + " is not a token type (0..6)");
        }
        return values()[code];
    }
}
