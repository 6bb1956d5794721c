package dev.chrysalis.skill.json;

/** A path that cannot be parsed; the message names the 1-based position and what was expected. */
final class JsonPathException extends Exception {
    JsonPathException(String message) {
        super(message);
    }
}
