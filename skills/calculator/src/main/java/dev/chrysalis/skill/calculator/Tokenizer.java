package dev.chrysalis.skill.calculator;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens; accepts the typographic operators × ÷ − and ** for ^. */
final class Tokenizer {
    private Tokenizer() {
    }

    static List<Token> tokenize(String expression) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = expression.length();
        while (i < n) {
            char c = expression.charAt(i);
            int pos = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expression.charAt(i + 1)))) {
                int start = i;
                while (i < n && Character.isDigit(expression.charAt(i))) {
                    i++;
                }
                if (i < n && expression.charAt(i) == '.') {
                    i++;
                    while (i < n && Character.isDigit(expression.charAt(i))) {
                        i++;
                    }
                }
                // Scientific notation only when the 'e' is followed by digits (2e3, 1.5e-4); "2e" stays 2 then e.
                if (i < n && (expression.charAt(i) == 'e' || expression.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (j < n && (expression.charAt(j) == '+' || expression.charAt(j) == '-')) {
                        j++;
                    }
                    if (j < n && Character.isDigit(expression.charAt(j))) {
                        i = j;
                        while (i < n && Character.isDigit(expression.charAt(i))) {
                            i++;
                        }
                    }
                }
                if (i < n && expression.charAt(i) == '.') {
                    throw new ExpressionException("malformed number '" + expression.substring(start, i + 1)
                            + "' at position " + (start + 1));
                }
                tokens.add(new Token(Token.Kind.NUMBER, expression.substring(start, i), start + 1));
            } else if (Character.isLetter(c)) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expression.charAt(i)) || expression.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Token.Kind.IDENTIFIER, expression.substring(start, i), start + 1));
            } else if (c == '*' && i + 1 < n && expression.charAt(i + 1) == '*') {
                tokens.add(new Token(Token.Kind.OPERATOR, "^", pos));
                i += 2;
            } else if ("+-*/^%".indexOf(c) >= 0) {
                tokens.add(new Token(Token.Kind.OPERATOR, String.valueOf(c), pos));
                i++;
            } else if (c == '\u00d7') {
                tokens.add(new Token(Token.Kind.OPERATOR, "*", pos));
                i++;
            } else if (c == '\u00f7') {
                tokens.add(new Token(Token.Kind.OPERATOR, "/", pos));
                i++;
            } else if (c == '\u2212') {
                tokens.add(new Token(Token.Kind.OPERATOR, "-", pos));
                i++;
            } else if (c == '(') {
                tokens.add(new Token(Token.Kind.LEFT_PAREN, "(", pos));
                i++;
            } else if (c == ')') {
                tokens.add(new Token(Token.Kind.RIGHT_PAREN, ")", pos));
                i++;
            } else if (c == ',') {
                tokens.add(new Token(Token.Kind.COMMA, ",", pos));
                i++;
            } else {
                int cp = expression.codePointAt(i);
                throw new ExpressionException("unexpected character '" + Character.toString(cp) + "' at position " + pos);
            }
        }
        tokens.add(new Token(Token.Kind.END, "", n + 1));
        return tokens;
    }
}
