package dev.chrysalis.inference.gguf;

/**
 * A GGUF file is malformed, truncated, or does not fit what the engine expects. The message names the
 * file part or field that is wrong, e.g. {@code tensor 'blk.3.attn_q.weight': type 99 is not a GGML type}.
 */
public class GgufFormatException extends RuntimeException {

    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
