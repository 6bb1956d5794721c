package dev.chrysalis.inference.constrain;

/** A JSON Schema that cannot be compiled: malformed JSON, a keyword outside the supported subset, bad bounds. */
public final class SchemaException extends RuntimeException {

    public SchemaException(String message) {
        super(message);
    }
}
