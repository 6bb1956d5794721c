package dev.chrysalis.host.llm;

/** The model configuration file is missing a value or holds one that cannot be used; the message names the key. */
public final class ModelConfigException extends RuntimeException {
    public ModelConfigException(String message) {
        super(message);
    }
}
