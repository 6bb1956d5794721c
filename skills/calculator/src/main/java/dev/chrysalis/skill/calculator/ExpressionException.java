package dev.chrysalis.skill.calculator;

/** An expression that cannot be evaluated; the message names the 1-based position and the problem. */
final class ExpressionException extends RuntimeException {
    ExpressionException(String message) {
        super(message);
    }
}
