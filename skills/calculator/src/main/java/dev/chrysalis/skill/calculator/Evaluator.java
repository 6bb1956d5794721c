package dev.chrysalis.skill.calculator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Recursive-descent evaluator over exact decimals.
 * <pre>
 * expression := term (('+' | '-') term)*
 * term       := unary (('*' | '/' | '%') unary)*
 * unary      := ('-' | '+') unary | power
 * power      := primary ('^' unary)?          (right-associative; -2^2 = -4, 2^-1 = 0.5)
 * primary    := number | '(' expression ')' | name | name '(' expression (',' expression)* ')'
 * </pre>
 * Sums, differences, products, remainders and integer powers are exact; a division is exact when it
 * terminates within 34 significant digits and is otherwise rounded to them; irrational functions are
 * computed in double precision and reported to 15 significant digits as approximate.
 */
final class Evaluator {
    static final MathContext DIVISION = MathContext.DECIMAL128; // 34 digits
    private static final MathContext DOUBLE_DIGITS = new MathContext(15, RoundingMode.HALF_EVEN);
    private static final int MAX_DEPTH = 200;
    private static final int MAX_EXACT_DIGITS = 10_000;
    private static final BigDecimal PI = new BigDecimal("3.141592653589793238462643383279503");
    private static final BigDecimal E = new BigDecimal("2.718281828459045235360287471352662");

    private final List<Token> tokens;
    private int next;
    private int depth;

    private Evaluator(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Evaluates a whole expression; throws {@link ExpressionException} naming the position of a problem. */
    static Num evaluate(String expression) {
        Evaluator e = new Evaluator(Tokenizer.tokenize(expression));
        if (e.peek().kind() == Token.Kind.END) {
            throw new ExpressionException("the expression is empty");
        }
        Num result;
        try {
            result = e.expression();
        } catch (ArithmeticException ex) {
            throw new ExpressionException("the result is out of range (" + ex.getMessage() + ")");
        }
        Token t = e.peek();
        if (t.kind() != Token.Kind.END) {
            throw new ExpressionException("unexpected " + t.describe() + " at position " + t.position());
        }
        return result;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        return tokens.get(next++);
    }

    private boolean atOperator(String... ops) {
        Token t = peek();
        if (t.kind() != Token.Kind.OPERATOR) {
            return false;
        }
        for (String op : ops) {
            if (t.text().equals(op)) {
                return true;
            }
        }
        return false;
    }

    private Num expression() {
        if (++depth > MAX_DEPTH) {
            throw new ExpressionException("the expression is nested too deeply (more than " + MAX_DEPTH
                    + " levels) at position " + peek().position());
        }
        Num left = term();
        while (atOperator("+", "-")) {
            Token op = take();
            Num right = term();
            left = op.text().equals("+")
                    ? new Num(left.value().add(right.value()), left.exact() && right.exact())
                    : new Num(left.value().subtract(right.value()), left.exact() && right.exact());
        }
        depth--;
        return left;
    }

    private Num term() {
        Num left = unary();
        while (atOperator("*", "/", "%")) {
            Token op = take();
            Num right = unary();
            left = switch (op.text()) {
                case "*" -> multiply(left, right);
                case "/" -> divide(left, right, op);
                default -> remainder(left, right, op);
            };
        }
        return left;
    }

    private Num unary() {
        if (atOperator("-", "+")) {
            Token op = take();
            if (++depth > MAX_DEPTH) {
                throw new ExpressionException("too many signs in a row at position " + op.position());
            }
            Num operand = unary();
            depth--;
            return op.text().equals("-") ? new Num(operand.value().negate(), operand.exact()) : operand;
        }
        return power();
    }

    private Num power() {
        Num base = primary();
        if (atOperator("^")) {
            Token op = take();
            if (++depth > MAX_DEPTH) {
                throw new ExpressionException("too many powers in a row at position " + op.position());
            }
            Num exponent = unary();
            depth--;
            return pow(base, exponent, op);
        }
        return base;
    }

    private Num primary() {
        Token t = take();
        return switch (t.kind()) {
            case NUMBER -> number(t);
            case LEFT_PAREN -> {
                Num inner = expression();
                expectClosing(t);
                yield inner;
            }
            case IDENTIFIER -> nameOrCall(t);
            case END -> throw new ExpressionException("expected a number at position " + t.position()
                    + " (end of expression)");
            default -> throw new ExpressionException("unexpected " + t.describe() + " at position " + t.position());
        };
    }

    private void expectClosing(Token open) {
        Token close = peek();
        if (close.kind() == Token.Kind.RIGHT_PAREN) {
            next++;
            return;
        }
        if (close.kind() == Token.Kind.END) {
            throw new ExpressionException("missing ')' to close '(' at position " + open.position());
        }
        throw new ExpressionException("unexpected " + close.describe() + " at position " + close.position()
                + " (expected ')' to close '(' at position " + open.position() + ")");
    }

    private static Num number(Token t) {
        try {
            BigDecimal v = new BigDecimal(t.text());
            if (Math.abs((long) v.precision() - v.scale()) > 100_000) {
                throw new ExpressionException("number '" + t.text() + "' at position " + t.position() + " is out of range");
            }
            return Num.exact(v);
        } catch (NumberFormatException e) {
            throw new ExpressionException("malformed number '" + t.text() + "' at position " + t.position());
        }
    }

    private Num nameOrCall(Token name) {
        String id = name.text().toLowerCase(Locale.ROOT);
        if (peek().kind() != Token.Kind.LEFT_PAREN) {
            return switch (id) {
                case "pi", "\u03c0" -> Num.approximate(PI);
                case "e" -> Num.approximate(E);
                default -> throw new ExpressionException(Functions.isFunction(id)
                        ? "function '" + name.text() + "' at position " + name.position() + " needs arguments in parentheses"
                        : "unknown name '" + name.text() + "' at position " + name.position());
            };
        }
        Token open = take();
        List<Num> args = new ArrayList<>();
        if (peek().kind() == Token.Kind.RIGHT_PAREN) {
            next++;
        } else {
            args.add(expression());
            while (peek().kind() == Token.Kind.COMMA) {
                next++;
                args.add(expression());
            }
            expectClosing(open);
        }
        if ((id.equals("pi") || id.equals("e")) && args.isEmpty()) {
            return Num.approximate(id.equals("pi") ? PI : E);
        }
        if (!Functions.isFunction(id)) {
            throw new ExpressionException("unknown function '" + name.text() + "' at position " + name.position());
        }
        return Functions.apply(id, args, name);
    }

    static Num multiply(Num a, Num b) {
        BigDecimal product = a.value().multiply(b.value());
        if (product.precision() > MAX_EXACT_DIGITS) {
            return Num.approximate(product.round(DIVISION));
        }
        return new Num(product, a.exact() && b.exact());
    }

    private static Num divide(Num a, Num b, Token op) {
        if (b.value().signum() == 0) {
            throw new ExpressionException("division by zero at position " + op.position());
        }
        BigDecimal q = a.value().divide(b.value(), DIVISION);
        boolean exact = a.exact() && b.exact() && q.multiply(b.value()).compareTo(a.value()) == 0;
        return new Num(q, exact);
    }

    private static Num remainder(Num a, Num b, Token op) {
        if (b.value().signum() == 0) {
            throw new ExpressionException("modulo by zero at position " + op.position());
        }
        return new Num(a.value().remainder(b.value(), DIVISION), a.exact() && b.exact());
    }

    private static Num pow(Num base, Num exponent, Token op) {
        BigDecimal x = base.value();
        BigDecimal y = exponent.value().stripTrailingZeros();
        boolean exact = base.exact() && exponent.exact();
        if (y.scale() <= 0 && y.abs().compareTo(BigDecimal.valueOf(1_000_000)) <= 0) {
            int n = y.intValueExact();
            if (x.signum() == 0) {
                if (n < 0) {
                    throw new ExpressionException("0 raised to a negative power at position " + op.position() + " is a division by zero");
                }
                return new Num(n == 0 ? BigDecimal.ONE : BigDecimal.ZERO, exact);
            }
            double magnitude = Math.abs((double) n) * Math.max(1, Math.abs(x.precision() - x.scale()));
            if (magnitude > 1_000_000) {
                throw new ExpressionException("the power at position " + op.position() + " is too large to compute");
            }
            long digits = (long) x.precision() * Math.abs((long) n);
            if (n >= 0 && digits <= MAX_EXACT_DIGITS) {
                return new Num(x.pow(n), exact);
            }
            if (n < 0 && digits <= MAX_EXACT_DIGITS) {
                BigDecimal denominator = x.pow(-n);
                BigDecimal q = BigDecimal.ONE.divide(denominator, DIVISION);
                return new Num(q, exact && q.multiply(denominator).compareTo(BigDecimal.ONE) == 0);
            }
            return Num.approximate(x.pow(n, DIVISION));
        }
        if (y.scale() <= 0 && x.abs().compareTo(BigDecimal.ONE) == 0) {
            boolean odd = y.toBigInteger().testBit(0);
            return new Num(x.signum() < 0 && odd ? BigDecimal.ONE.negate() : BigDecimal.ONE, exact);
        }
        if (y.scale() <= 0) {
            throw new ExpressionException("the power at position " + op.position() + " is too large to compute");
        }
        if (x.signum() < 0) {
            throw new ExpressionException("a negative number raised to the non-integer power " + format(y, false)
                    + " at position " + op.position() + " is not a real number");
        }
        return Num.approximate(fromDouble(Math.pow(x.doubleValue(), y.doubleValue()), "the power at position " + op.position()));
    }

    /** A double result as a 15-digit decimal, refusing infinities and NaN. */
    static BigDecimal fromDouble(double d, String what) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ExpressionException(what + " is not a finite number");
        }
        return new BigDecimal(d).round(DOUBLE_DIGITS);
    }

    static Num viaDouble(Num x, DoubleUnaryOperator f, String what) {
        return Num.approximate(fromDouble(f.applyAsDouble(x.value().doubleValue()), what));
    }

    /** Plain notation for ordinary magnitudes and exact integers; scientific for the very large or small. */
    static String format(BigDecimal value, boolean exact) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.signum() == 0) {
            return "0";
        }
        int adjusted = v.precision() - v.scale() - 1;
        if ((v.scale() <= 0 && v.precision() <= 1000 && exact) || (adjusted >= -7 && adjusted < 40)) {
            return v.scale() < 0 ? v.setScale(0).toPlainString() : v.toPlainString();
        }
        return v.toString();
    }

    static boolean isInteger(BigDecimal v) {
        return v.signum() == 0 || v.stripTrailingZeros().scale() <= 0;
    }

    static BigInteger unscaled(BigDecimal v) {
        return v.stripTrailingZeros().unscaledValue();
    }
}
