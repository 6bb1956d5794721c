package dev.chrysalis.inference.model;

import dev.chrysalis.inference.gguf.GgufFormatException;

/** A well-formed GGUF file whose architecture or tensor types this engine cannot run. */
public final class UnsupportedModelException extends GgufFormatException {

    public UnsupportedModelException(String message) {
        super(message);
    }
}
