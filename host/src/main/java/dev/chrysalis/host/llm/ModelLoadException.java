package dev.chrysalis.host.llm;

/**
 * The configured model could not be loaded: the file is missing, it does not fit in memory, or its
 * architecture, tokenizer or chat format is unsupported. The message names the file and the reason.
 */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
