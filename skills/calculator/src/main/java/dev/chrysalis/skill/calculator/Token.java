package dev.chrysalis.skill.calculator;

/**
 * One lexical unit of an expression.
 *
 * @param position 1-based character position in the expression, as errors report it
 */
record Token(Kind kind, String text, int position) {
    enum Kind { NUMBER, IDENTIFIER, OPERATOR, LEFT_PAREN, RIGHT_PAREN, COMMA, END }

    String describe() {
        return kind == Kind.END ? "end of expression" : "'" + text + "'";
    }
}
